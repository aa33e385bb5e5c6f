"""Hamlets move with their commune at the 2025 reform, through the real gateway and stores.

Lạng Sơn's Xã Đồng Đăng (06184) took Thị trấn Đồng Đăng (06184) and Xã Hồng Phong of Cao Lộc
(06190) whole, and a part of Bình Gia's Xã Hồng Phong (06079), whose figures (and hamlets) go
to its default successor, the new Xã Hồng Phong (06079).
"""

from gateway.endpoint import INHERITED
from khuyenhoc.storage import service_database
from services.registration.directory.service import reorganise_province
from services.registration.directory.store import directory_stores
from tests.integration.helpers import load_demo_directory

CREATE_HAMLET = """mutation($input: CreateHamletInput!) { createHamlet(input: $input) {
  created hamlet { code name } } }"""
COMMUNITY = """mutation($input: RegisterCommunityInput!) { registerCommunity(input: $input) {
  enrolmentId } }"""
NEW = """query($code: String!) { orgUnit(code: $code) { scheme
  children { code name level kind validFrom predecessorLinks { code name } }
  denominators(year: 2025) { hamlets } } }"""
OLD = """query($code: String!) { orgUnit(code: $code, at: "2024-06-01") {
  scheme validTo successors { code name validFrom } } }"""


def test_hamlets_move_to_the_commune_carrying_their_figures(config, gateway):
    load_demo_directory(config)

    def create(commune, name):
        given = {"communeCode": commune, "name": name}
        return gateway(CREATE_HAMLET, {"input": given})["createHamlet"]["hamlet"]["code"]

    olds = {
        ("06184", "Thôn Đông"): create("06184", "Thôn Đông"),
        ("06184", "Thôn Bắc"): create("06184", "Thôn Bắc"),
        ("06190", "Thôn Đông"): create("06190", "Thôn Đông"),
        ("06190", "Bản Nà Pàn"): create("06190", "Bản Nà Pàn"),
        ("06079", "Thôn Khòn Pát"): create("06079", "Thôn Khòn Pát"),
    }
    hong_phong = gateway('{ orgUnit(code: "06190", at: "2024-06-01") { name } }')["orgUnit"]
    short = hong_phong["name"].split(" ", 1)[1]  # "Xã Hồng Phong" → "Hồng Phong"

    stores = directory_stores(service_database(config, "registration"))
    first = reorganise_province(stores, "20")
    again = reorganise_province(stores, "20")
    assert (first.hamlets, again.hamlets) == (5, 0)  # idempotent
    INHERITED.clear()  # the gateway runs in this process: no path cached from before

    # the new 06184 has the hamlets of both communes merged wholly into it, valid from the reform
    new = gateway(NEW, {"code": "06184"})["orgUnit"]
    assert new["scheme"] == "2025"
    hamlets = [c for c in new["children"] if c["level"] == "HAMLET"]
    by_name = {h["name"]: h for h in hamlets}
    assert sorted(by_name) == sorted(
        ["Thôn Đông", "Thôn Bắc", f"Thôn Đông ({short})", "Bản Nà Pàn"]
    )  # two "Thôn Đông": the one of 06190 told apart by its old commune's name
    for hamlet in hamlets:
        assert hamlet["code"].startswith("06184-T") and hamlet["validFrom"] == "2025-07-01"
        assert hamlet["code"] not in olds.values()
    assert by_name["Thôn Bắc"]["kind"] == "THON" and by_name["Bản Nà Pàn"]["kind"] == "BAN"
    assert by_name[f"Thôn Đông ({short})"]["predecessorLinks"] == [
        {"code": olds[("06190", "Thôn Đông")], "name": "Thôn Đông"}
    ]
    assert new["denominators"]["hamlets"] == 4
    # the split commune's hamlet went to its default successor only
    split = gateway(NEW, {"code": "06079"})["orgUnit"]
    assert [(c["name"], c["validFrom"]) for c in split["children"] if c["level"] == "HAMLET"] == [
        ("Thôn Khòn Pát", "2025-07-01")
    ]
    assert split["denominators"]["hamlets"] == 1

    # the old hamlets closed the day before, linked to their successors
    for (commune, _name), code in olds.items():
        old = gateway(OLD, {"code": code})["orgUnit"]
        assert old["scheme"] == "2024" and old["validTo"] == "2025-06-30"
        [successor] = old["successors"]
        assert successor["validFrom"] == "2025-07-01"
        if commune == "06079":
            assert successor["code"].startswith("06079-T")
        else:
            assert by_name[successor["name"]]["code"] == successor["code"]
    # past years stay on the old hamlets
    past = gateway(
        '{ orgUnit(code: "06184", at: "2024-06-01") { denominators(year: 2024) { hamlets } } }'
    )["orgUnit"]
    assert past["denominators"]["hamlets"] == 2

    # the names are claimed in the new commune: asking again finds the moved hamlet, and a
    # village community registered by name, for a year before or after, finds its hamlet
    assert create("06184", "thôn đông") == by_name["Thôn Đông"]["code"]
    for year in (2024, 2025):
        gateway(COMMUNITY, {"input": {"communeCode": "06184", "year": year, "name": "Thôn Bắc"}})
    assert len(gateway(NEW, {"code": "06184"})["orgUnit"]["children"]) == 4
    then = gateway('{ orgUnit(code: "06184", at: "2024-06-01") { children { code } } }')
    assert sorted(c["code"] for c in then["orgUnit"]["children"]) == sorted(
        code for (commune, _name), code in olds.items() if commune == "06184"
    )
