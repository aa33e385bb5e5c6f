"""The batched directory reads the province page uses answer what the single ones do."""

from datetime import date

from khuyenhoc.storage import service_database
from services.registration.directory import hierarchy
from services.registration.directory.store import PublicDirectory
from tests.integration.helpers import load_demo_directory


def test_children_and_figure_paths_of_many_units_are_each_units_own(config):
    load_demo_directory(config)
    directory = PublicDirectory(service_database(config, "registration"))
    province = directory.get("20", "20", date(2025, 6, 1))
    districts = directory.children(province)
    communes = [c for d in districts for c in directory.children(d)]
    assert len(districts) == 11 and len(communes) > 150
    many = directory.children_of_many([province, *districts])
    assert many[province["_id"]] == districts
    assert all(many[d["_id"]] == directory.children(d) for d in districts)
    found = directory.by_ids([c["_id"] for c in communes] + ["nobody"])
    assert set(found) == {c["_id"] for c in communes}
    assert all(
        hierarchy.figure_paths(found[c["_id"]], 2024) == hierarchy.figure_paths(c, 2024)
        for c in communes
    )
