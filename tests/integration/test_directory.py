"""The directory over time, through the real gateway: all provinces, search, the 2025 merger.

Registration, scoring and the gateway run as nameko containers against the real broker and
store; requests go over HTTP to /graphql.
"""

import unicodedata

import pytest

from khuyenhoc.storage import TenantDatabase, service_database
from services.registration.directory.service import reorganise_province
from services.registration.directory.store import DirectoryStore, directory_stores
from tests.conftest import wait_until
from tests.integration.helpers import load_demo_directory


def test_all_provinces_load_once_and_answer_down_the_tree(config, gateway):
    load_demo_directory(config, "all")
    load_demo_directory(config, "all")  # a second load creates nothing
    units = service_database(config, "registration").units
    levels = {
        level: len(list(units.find({"level": level}, {"_id": 1})))
        for level in ("province", "district", "commune")
    }
    assert levels["province"] == 63
    assert 690 <= levels["district"] <= 710 and 10_000 <= levels["commune"] <= 10_100
    tree = gateway('{ orgUnit(code: "20") { name children { code children { code } } } }')
    districts = tree["orgUnit"]["children"]
    assert tree["orgUnit"]["name"] == "Tỉnh Lạng Sơn" and len(districts) == 11
    cao_loc = next(d for d in districts if d["code"] == "183")
    assert "06184" in {c["code"] for c in cao_loc["children"]}
    assert gateway('{ orgUnit(code: "01") { name } }')["orgUnit"]["name"] == "Thành phố Hà Nội"


@pytest.mark.parametrize(
    "text", ["Dong Dang", "đồng đăng", unicodedata.normalize("NFD", "Đồng Đăng"), "ĐỒNG  ĐĂNG"]
)
def test_search_ignores_diacritics_case_and_normal_form(config, gateway, text):
    load_demo_directory(config)
    found = gateway(
        'query($q: String) { orgUnits(search: $q, tenant: "20") { nodes { code name } } }',
        {"q": text},
    )["orgUnits"]["nodes"]
    assert {"code": "06184", "name": "Thị trấn Đồng Đăng"} in found


def test_units_by_level_and_parent(config, gateway):
    load_demo_directory(config)
    districts = gateway('{ orgUnits(level: "district", tenant: "20") { nodes { code } } }')
    districts = districts["orgUnits"]["nodes"]
    assert len(districts) == 11
    communes = gateway('{ orgUnits(parent: "183", tenant: "20") { nodes { level } } }')
    communes = communes["orgUnits"]["nodes"]
    assert communes and {c["level"] for c in communes} == {"commune"}


REGISTER = """mutation($code: String!, $name: String!) {
  registerHousehold(input: {communeCode: $code, headName: $name, address: "Thôn 1",
                            year: 2024}) { unitPath } }"""
FAMILY_2024 = "stats(year: 2024) { title(title: FAMILY) { registered } }"


def test_a_merged_commune_shows_its_predecessors_history(config, gateway):
    """Phường Đông Kinh (05977) of Lạng Sơn was formed on 1 July 2025 from Phường Vĩnh Trại,
    Phường Đông Kinh, Xã Mai Pha (Thành phố Lạng Sơn) and Xã Yên Trạch (Cao Lộc)."""
    load_demo_directory(config)
    registered = [
        ("05980", "Hoàng Văn A"),
        ("05980", "Hoàng Văn B"),
        ("06247", "Lý Thị C"),
        ("06184", "Nông Văn D"),
    ]  # the last one is elsewhere: Đồng Đăng
    for code, name in registered:
        assert gateway(REGISTER, {"code": code, "name": name})["registerHousehold"]["unitPath"]
    family = f'{{ orgUnit(code: "20") {{ {FAMILY_2024} }} }}'
    wait_until(lambda: gateway(family)["orgUnit"]["stats"]["title"]["registered"] == 4)

    done = reorganise_province(directory_stores(service_database(config, "registration")), "20")
    assert done.communes == 65 and done.unresolved == 0
    reorganise_province(directory_stores(service_database(config, "registration")), "20")

    new = gateway(
        f'{{ orgUnit(code: "05977") {{ name scheme path validFrom '
        f"predecessors {{ code name }} {FAMILY_2024} }} }}"
    )["orgUnit"]
    assert (new["name"], new["scheme"], new["path"], new["validFrom"]) == (
        "Phường Đông Kinh",
        "2025",
        "20/05977",
        "2025-07-01",
    )
    assert [p["code"] for p in new["predecessors"]] == ["05977", "05980", "05992", "06247"]
    assert new["stats"]["title"]["registered"] == 3  # its 2024 = the sum of its predecessors'

    old = gateway(
        f'{{ orgUnit(code: "05980", at: "2024-12-31") {{ name validTo '
        f"successors {{ code }} {FAMILY_2024} }} }}"
    )["orgUnit"]
    assert old["validTo"] == "2025-06-30" and old["successors"] == [{"code": "05977"}]
    assert old["stats"]["title"]["registered"] == 2  # the old figures stay where they were

    district = gateway(f'{{ orgUnit(code: "183") {{ validTo {FAMILY_2024} }} }}')["orgUnit"]
    assert district["validTo"] == "2025-06-30"
    assert district["stats"]["title"]["registered"] == 2  # Yên Trạch and Đồng Đăng

    province = gateway(f'{{ orgUnit(code: "20") {{ scheme children {{ code }} {FAMILY_2024} }} }}')[
        "orgUnit"
    ]
    assert province["scheme"] == "2025" and len(province["children"]) == 65
    assert province["stats"]["title"]["registered"] == 4


def test_a_local_merger_and_split_are_recorded_with_their_history(config, gateway):
    """Three communes became one on 1 January 2023 (the new one keeps the code 06184), and one
    commune was split in two on the same day."""
    from datetime import date

    from services.registration.directory.service import ReorganisationError, record_change

    load_demo_directory(config)
    for code, name in (("06187", "Hộ A"), ("06190", "Hộ B"), ("06190", "Hộ C")):
        query = REGISTER.replace("year: 2024", "year: 2022")
        gateway(query, {"code": code, "name": name})
    family_2022 = (
        '{ orgUnit(code: "183") { stats(year: 2022) { title(title: FAMILY) { registered } } } }'
    )
    wait_until(lambda: gateway(family_2022)["orgUnit"]["stats"]["title"]["registered"] == 3)

    directory = DirectoryStore(TenantDatabase(service_database(config, "registration"), "20"))
    on = date(2023, 1, 1)
    for _ in range(2):  # recording it twice changes nothing
        record_change(directory, on, ["06184", "06187", "06190"], [("06184", "Thị trấn Đồng Đăng")])
    record_change(
        directory, on, ["06193"], [("06301", "Xã Thanh Lòa A"), ("06302", "Xã Thanh Lòa B")]
    )
    with pytest.raises(ReorganisationError):
        record_change(directory, on, ["183", "06196"], [("06400", "Lẫn cấp")])

    merged = gateway(
        '{ orgUnit(code: "06184") { validFrom predecessors { code validTo } '
        "stats(year: 2022) { title(title: FAMILY) { registered } } } }"
    )["orgUnit"]
    assert merged["validFrom"] == "2023-01-01"
    assert [(p["code"], p["validTo"]) for p in merged["predecessors"]] == [
        ("06184", "2022-12-31"),
        ("06187", "2022-12-31"),
        ("06190", "2022-12-31"),
    ]
    assert merged["stats"]["title"]["registered"] == 3

    before = gateway('{ orgUnit(code: "06187", at: "2022-06-01") { successors { code } } }')
    assert before["orgUnit"]["successors"] == [{"code": "06184"}]
    children = {
        c["code"]
        for c in gateway('{ orgUnit(code: "183") { children { code } } }')["orgUnit"]["children"]
    }
    assert {"06184", "06301", "06302"} <= children and not {"06187", "06190", "06193"} & children
    split = gateway('{ orgUnit(code: "06302") { path predecessors { code } } }')["orgUnit"]
    assert split == {"path": "20/183/06302", "predecessors": [{"code": "06193"}]}
