"""The wave's bookkeeping: which enrolments the lists make, what every unit must count, what
the meetings say, the SMS expected, and the summary table with ratios to the raw floor."""

from collections import Counter

from bench.lang_son import generate
from bench.wave import (
    Expected,
    enrolment_of,
    international,
    meeting_outcome,
    review_row,
    table,
    units_of,
)


def test_an_enrolment_is_the_same_however_the_name_was_typed():
    commune = generate(400, seed=4)[0]
    assert enrolment_of(commune, "Nông Văn Bình", "Thôn Nà Pàn") == enrolment_of(
        commune, "  NÔNG   văn bình ", "Thôn Nà Pàn"
    )
    assert enrolment_of(commune, "Nông Văn Bình", "Thôn Nà Pàn").startswith("20-FAMILY-2024-hh-")


def test_expected_figures_add_up_from_communes_to_the_province():
    communes = generate(1200, seed=8)
    expected = Expected.of(communes)
    assert sum(len(ids) for ids in expected.ids.values()) == 1200
    units = units_of(communes)
    assert len(units) == 1 + 11 + 194
    province = expected.figures(units["20"])
    districts = [expected.figures(units[c]) for c in {c.district for c in communes}]
    for key in ("registered", "reviewed", "eligible", "recognised"):
        assert province[key] == sum(d[key] for d in districts)
    assert province["registered"] == province["reviewed"] == 1200
    assert province["assessed"] == 0
    assert expected.figures(units["20"], self_assessed=True)["assessed"] == 1200
    assert 0.9 * 1200 < province["eligible"] == province["recognised"] < 1200


def test_the_meetings_mostly_agree_and_refuse_with_a_note():
    ids = [f"20-FAMILY-2024-hh-{n:020x}" for n in range(5000)]
    outcomes = Counter(meeting_outcome(e) for e in ids)
    assert 0.01 < outcomes["refused"] / 5000 < 0.06
    refused = next(e for e in ids if meeting_outcome(e) == "refused")
    row = review_row(refused)
    assert row["agree"] is False and row["note"]
    agreed = next(e for e in ids if meeting_outcome(e) == "meets")
    assert "agree" not in review_row(agreed) and review_row(agreed)["answers"]
    # with the households' own forms entered, the meeting adopts them
    assert review_row(agreed, self_assessed=True) == {"enrolmentId": agreed}
    assert "answers" not in review_row(refused, self_assessed=True)


def test_sms_expected_once_per_recognised_household_with_a_phone():
    communes = generate(600, seed=2)
    expected = Expected.of(communes)
    sms = expected.sms()
    with_phone = [e for e, p in expected.phones.items() if p and meeting_outcome(e) == "meets"]
    assert sum(sms.values()) == len(with_phone)
    assert international("912345678") == international("0912345678") == "+84912345678"


def test_the_table_gives_ratios_to_the_floor():
    figures = {
        "households": 2000,
        "exact": True,
        "wall_s": 100.0,
        "households_per_s": 20.0,
        "platform_cpu_ms_per_household": 300.0,
        "stages": {
            "import": {
                "wall_s": 10.0,
                "households_per_s": 200.0,
                "platform_cpu_ms_per_household": 30.0,
            }
        },
        "cpu_ms_per_household": {"nx-27017": 150.0},
        "peak_rss_mib": {"nx-27017": 48.0},
        "latency_import_to_recognised_s": {"p50": 1.0, "p95": 2.0, "p99": 3.0, "count": 2000},
        "deepest_queue": {"name": "q", "depth": 7},
        "sms_sent": 1700,
        "floor": {
            "cpu_ms_per_household": 3.0,
            "wall_s": 5.0,
            "messages": 9000,
            "writes": 4000,
            "cpu_ms_per_household_by_process": {"nx-27017": 1.5},
        },
    }
    rows = {row[0]: row for row in table(figures)}
    assert rows["platform CPU per household"][2].startswith("100.0× floor")
    assert rows["wave wall time"][2].endswith("20.0× floor")
    assert "floor 1.50 ms" in rows["CPU per household: nx-27017"][2]
    assert all(len(row) == 3 for row in rows.values())


def test_the_floor_uses_the_same_broker_in_a_vhost_of_its_own():
    from bench.floor import base_uri

    assert base_uri("amqp://guest:guest@127.0.0.1:5672/khuyenhoc-bench-1") == (
        "amqp://guest:guest@127.0.0.1:5672/"
    )
    assert base_uri("amqp://guest:guest@127.0.0.1:5672/") == "amqp://guest:guest@127.0.0.1:5672/"
