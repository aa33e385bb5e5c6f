from datetime import date

from services.registration.directory.hierarchy import (
    figure_paths,
    keeps_own_figures,
    pick_version,
    registration_date,
    valid_at,
)

OLD = {"code": "06184", "scheme": "2024", "path": "20/183/06184", "valid_to": "2025-06-30"}
NEW = {
    "code": "06184",
    "scheme": "2025",
    "path": "20/06184",
    "valid_from": "2025-07-01",
    "predecessors": [
        {"code": "06184", "path": "20/183/06184"},
        {"code": "06187", "path": "20/183/06187"},
    ],
}


def test_the_version_valid_at_a_date_is_chosen():
    assert pick_version([OLD, NEW], date(2024, 12, 31)) is OLD
    assert pick_version([OLD, NEW], date(2025, 7, 1)) is NEW
    assert pick_version([OLD], date(2026, 1, 1)) is OLD  # outside its life: still that unit
    assert pick_version([], date(2026, 1, 1)) is None
    assert valid_at(OLD, date(2025, 6, 30)) and not valid_at(OLD, date(2025, 7, 1))


def test_registrations_refer_to_the_directory_at_the_end_of_their_year():
    today = date(2026, 3, 1)
    assert registration_date(2024, today) == date(2024, 12, 31)
    assert registration_date(2026, today) == today


def test_a_merged_units_past_figures_are_its_predecessors():
    assert figure_paths(NEW, 2024) == ["20/183/06184", "20/183/06187"]
    assert figure_paths(NEW, 2025) == ["20/06184"]
    assert figure_paths(OLD, 2024) == ["20/183/06184"]


def test_a_unit_said_to_keep_its_own_figures_has_them_at_its_own_path_every_year():
    """What readers rely on to skip asking ``figure_paths``: never true for a unit whose past
    figures are elsewhere."""
    for unit in (OLD, NEW, {**NEW, "predecessors": []}, {"path": "20", "code": "20"}):
        own_every_year = all(figure_paths(unit, y) == [unit["path"]] for y in range(2015, 2031))
        assert keeps_own_figures(unit) <= own_every_year
    assert keeps_own_figures(OLD) and not keeps_own_figures(NEW)
