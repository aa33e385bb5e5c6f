"""Denominators' rules: the roll-up with missing entries, hamlets counted from the directory,
partial updates, sums over predecessors; hamlet codes and name claims; branches by kind."""

from datetime import date

from khuyenhoc.tenancy import UnitPath
from services.registration.association.domain import BRANCH_KIND_NAMES, BranchKind
from services.registration.association.kinds import kinds_many
from services.registration.denominators.domain import (
    DIRECTORY_SOURCE,
    FIGURES,
    Tree,
    entry_document,
    roll_up,
    summed,
)
from services.registration.directory.hamlets import (
    HamletKind,
    claim_id,
    hamlet_code,
    hamlet_document,
    hamlet_key,
    kind_of_name,
)

UNITS = [
    {"path": "20", "level": "province"},
    {"path": "20/183", "level": "district"},
    {"path": "20/183/06184", "level": "commune"},
    {"path": "20/183/06187", "level": "commune"},
    {"path": "20/183/06190", "level": "commune"},
    {"path": "20/183/06184/06184-T01", "level": "hamlet"},
    {"path": "20/183/06184/06184-T02", "level": "hamlet"},
    {"path": "20/183/06184/06184-001", "level": "branch"},
]
TREE = Tree.of(UNITS)


def entry(path, year=2024, source="Niên giám 2024", **figures):
    unit = {"path": path, "code": path.rsplit("/", 1)[-1]}
    mountain = figures.pop("mountain", None)
    return entry_document(None, unit, year, figures, source, date(2024, 12, 31), mountain)


def entries(*docs):
    return {d["unitpath"]: d for d in docs}


def test_own_entry_wins_and_missing_units_below_mark_the_sum_incomplete():
    found = entries(
        entry("20/183/06184", population=12000, households=3000),
        entry("20/183/06187", population=8000),
    )
    district = roll_up("20/183", TREE, found)
    assert district.values["population"] == 20000  # 06190 has none: summed, incomplete
    assert district.values["households"] == 3000
    assert {"population", "households", "adults"} <= set(district.incomplete)
    assert district.values["adults"] is None  # unknown, never 0
    own = roll_up("20/183", TREE, entries(*found.values(), entry("20/183", population=21000)))
    assert own.values["population"] == 21000 and "population" not in own.incomplete
    assert own.values["households"] == 3000  # the own entry lacks it: still the sum below


def test_hamlets_default_to_the_directory_count_and_an_entry_overrides_it():
    commune = roll_up("20/183/06184", TREE, {})
    assert commune.values["hamlets"] == 2 and "hamlets" not in commune.incomplete
    assert commune.sources == [
        {"figure": "hamlets", "source": DIRECTORY_SOURCE, "as_of": None, "unit_code": "06184"}
    ]
    entered = roll_up("20/183/06184", TREE, entries(entry("20/183/06184", hamlets=7)))
    assert entered.values["hamlets"] == 7
    assert entered.sources[0]["source"] == "Niên giám 2024"
    district = roll_up("20/183", TREE, {})
    assert district.values["hamlets"] == 2 and "hamlets" in district.incomplete


def test_a_partial_update_keeps_the_other_figures_and_their_sources():
    first = entry("20/183/06184", population=12000, households=3000)
    unit = {"path": "20/183/06184", "code": "06184"}
    later = entry_document(first, unit, 2024, {"households": 3100}, "UBND xã", date(2025, 1, 5))
    assert later["population"] == 12000 and later["households"] == 3100
    assert later["sources"]["population"]["source"] == "Niên giám 2024"
    assert later["sources"]["households"] == {"source": "UBND xã", "as_of": "2025-01-05"}
    assert later["_id"] == "20:20/183/06184:2024" and later["path_2"] == "06184"


def test_mountain_is_inherited_from_the_nearest_entered_ancestor():
    found = entries(entry("20", mountain=True), entry("20/183/06187", mountain=False))
    assert roll_up("20/183/06184", TREE, found).mountain is True
    assert roll_up("20/183/06187", TREE, found).mountain is False
    assert roll_up("20/183/06184", TREE, {}).mountain is False


def test_the_sum_over_predecessors_is_incomplete_where_one_lacks_a_figure():
    a = roll_up("20/183/06184", TREE, entries(entry("20/183/06184", population=10))).as_answer()
    b = roll_up("20/183/06187", TREE, entries(entry("20/183/06187", population=5, clans=2)))
    total = summed([a, b.as_answer()])
    assert total["population"] == 15 and "population" not in total["incomplete"]
    assert total["clans"] == 2 and "clans" in total["incomplete"]
    assert summed([])["population"] is None and summed([])["incomplete"] == list(FIGURES)


def test_hamlet_codes_and_one_hamlet_per_name_however_typed():
    assert hamlet_code("06184", 3) == "06184-T03" and hamlet_code("06184", 120) == "06184-T120"
    assert hamlet_key("Thôn Đông") == hamlet_key("thon  dong") == hamlet_key("Đông")
    assert hamlet_key("Tổ dân phố 3") == hamlet_key("TDP 3") == hamlet_key("tổ 3") == "3"
    assert claim_id("20", "06184", "Thôn Đông") == claim_id("20", "06184", "ĐÔNG")
    assert claim_id("20", "06184", "Thôn Đông") != claim_id("20", "06187", "Thôn Đông")
    assert kind_of_name("Bản Nà Pàn") == HamletKind.BAN
    assert kind_of_name("Khu phố 2") == HamletKind.KHU_PHO and kind_of_name("Đông") is None
    commune = {"tenant": "20", "scheme": "2024", "code": "06184", "path": "20/183/06184"}
    doc = hamlet_document(commune, "06184-T01", "Thôn Đông", HamletKind.THON, None)
    assert doc["level"] == "hamlet" and doc["path"] == "20/183/06184/06184-T01"
    assert doc["parent_code"] == "06184" and doc["valid_from"] is None


def test_branches_are_counted_by_kind_per_unit_for_the_year():
    def branch(path, kind, opened="2020-01-01", closed=None):
        return {
            "kind": kind,
            "valid_from": opened,
            "valid_to": closed,
            **UnitPath.parse(path).depth_fields(),
        }

    branches = [
        branch("20/183/06184/06184-001", "residential"),
        branch("20/183/06184/06184-002", "school"),
        branch("20/183/06184/06184-003", "school", closed="2023-06-30"),
        branch("20/183/06187/06187-001", "clan", opened="2025-03-01"),
    ]
    paths = [UnitPath.parse(p) for p in ("20/183", "20/183/06184", "20/183/06187")]
    found = kinds_many(branches, paths, 2024)
    assert found["20/183/06184"] == {
        "residential": 1,
        "school": 1,
        "clan": 0,
        "agency": 0,
        "board": 0,
    }
    assert found["20/183"]["school"] == 1 and found["20/183/06187"]["clan"] == 0
    assert kinds_many(branches, paths, 2025)["20/183"]["clan"] == 1
    assert set(BRANCH_KIND_NAMES) == set(BranchKind)
