import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from khuyenhoc.config import database_name, load_config, tenants
from khuyenhoc.tenancy import UnitPath, UnknownTenant, require_tenant
from khuyenhoc.text import clean, search_key


def test_search_key_ignores_diacritics_case_and_normal_form():
    nfd = unicodedata.normalize("NFD", "Thị trấn Đồng Đăng")
    assert search_key("Dong Dang") in search_key(nfd)
    assert search_key("ĐỒNG   ĐĂNG") == search_key("dong dang") == "dong dang"


def test_clean_stores_nfc_and_tidies_spaces():
    assert clean(unicodedata.normalize("NFD", "  Nguyễn   Văn  An ")) == "Nguyễn Văn An"
    assert unicodedata.is_normalized("NFC", clean(unicodedata.normalize("NFD", "Lạng Sơn")))


@given(st.text())
def test_search_key_is_stable_across_normal_forms(text):
    for form in ("NFC", "NFD", "NFKC"):
        if form == "NFKC":
            continue  # compatibility folding may change letters, not only their encoding
        assert search_key(unicodedata.normalize(form, text)) == search_key(text)
    assert search_key(search_key(text)) == search_key(text)


def test_unit_path_round_trip_and_depth_fields():
    path = UnitPath.parse("20/183/06184")
    assert (path.tenant, path.code, path.depth, str(path)) == ("20", "06184", 2, "20/183/06184")
    assert path.depth_fields() == {"path_0": "20", "path_1": "183", "path_2": "06184"}
    assert str(UnitPath.parse("20").child("183")) == "20/183"


@pytest.mark.parametrize("bad", ["", "2", "abc/183", "20//06184", "20/06 184"])
def test_unit_path_rejects_malformed(bad):
    with pytest.raises(ValueError):
        UnitPath.parse(bad)


def test_unknown_tenant_is_refused():
    assert require_tenant("20", frozenset({"20"})) == "20"
    with pytest.raises(UnknownTenant):
        require_tenant("01", frozenset({"20"}))


def test_config_substitutes_environment_and_defaults(tmp_path):
    path = tmp_path / "c.yaml"
    path.write_text("A: ${A_URI:amqp://guest:guest@127.0.0.1:5672/}\nT: ${T:20}\nP: ${P:}\n")
    assert load_config(path, env={}) == {
        "A": "amqp://guest:guest@127.0.0.1:5672/",
        "T": 20,
        "P": None,
    }
    assert load_config(path, env={"A_URI": "amqp://x/", "T": "20,1"})["T"] == "20,1"


def test_tenants_and_database_names():
    assert tenants({"KHUYENHOC_TENANTS": 20}) == {"20"}
    assert tenants({"KHUYENHOC_TENANTS": "20, 1"}) == {"20", "01"}
    assert database_name({"DB_PREFIX": "x_"}, "scoring") == "x_scoring"
    assert database_name({}, "fund") == "khuyenhoc_fund"


def test_shipped_config_has_every_setting():
    config = load_config(env={})
    for key in ("AMQP_URI", "MONGO_URI", "DB_PREFIX", "KHUYENHOC_TENANTS", "WEB_SERVER_ADDRESS"):
        assert config[key], key
    assert config["AUTO_DELETE_EVENT_EXCHANGES"] is False
