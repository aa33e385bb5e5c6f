"""Notification rules: routing, message identity, rendering, backoff, quiet hours, reminders."""

import json
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from services.notification.delivery import SHIPPED_TEMPLATES, Settings, Templates
from services.notification.domain import (
    EMAIL,
    SMS,
    WEBHOOK,
    Notice,
    QuietHours,
    TemplateProblem,
    context,
    email_parts,
    message_id,
    plan,
    render,
    retry_delay,
)
from services.notification.records import ReceivedEvent, Subscription, Webhook
from services.notification.reminders import due_reminders

VN = ZoneInfo("Asia/Ho_Chi_Minh")
RECOGNISED_DATA = {
    "enrolmentId": "20-FAMILY-2024-hh-1",
    "subjectId": "hh-1",
    "subjectKind": "household",
    "title": "FAMILY",
    "year": 2024,
    "unitCode": "06184",
    "level": None,
    "decisionNumber": "123/QĐ-UBND",
    "decisionDate": "2025-01-20",
    "signer": "Chủ tịch UBND Trần Văn B",
    "validUntil": None,
    "setId": "s",
}


def notice(name="recognised", data=RECOGNISED_DATA, tenant="20"):
    return Notice("evt-1", name, tenant, "20/183/06184", data)


def subscription(email, events=()):
    return Subscription("20", "06184", "20/183/06184", email, "Cán bộ", list(events))


def webhook(name, events=(), active=True):
    return Webhook("20", name, f"https://{name}.example.vn/", list(events), "s", active)


def test_recognised_tells_the_household_the_officers_and_the_partners_who_asked_for_it():
    """The province's subscriptions and webhooks: its stores hold no other province's
    (tests/integration/test_notification_tenancy.py)."""
    subscriptions = [
        subscription("xa@example.vn"),
        subscription("only-reminders@example.vn", ["reminder"]),
    ]
    webhooks = [webhook("portal"), webhook("bank", ["donated"]), webhook("off", active=False)]
    planned = plan(notice(), subscriptions, webhooks)
    assert [(p.recipient, p.channel) for p in planned] == [
        ("subject:hh-1", SMS),
        ("email:xa@example.vn", EMAIL),
        ("webhook:portal", WEBHOOK),
    ]
    assert planned[0].template == "recognised.sms"


def test_a_household_hears_by_sms_only_when_recognised():
    review = {**RECOGNISED_DATA, "stage": "review"}
    for name in ("registered", "scored", "withdrawn"):
        assert plan(notice(name, review), [], []) == []
    assert [p.recipient for p in plan(notice(), [], [])] == ["subject:hh-1"]


def test_a_route_may_depend_on_the_events_data():
    from services.notification.domain import Route

    review_only = Route("subject", SMS, when=lambda d: d.get("stage") == "review")
    assert review_only.applies({"stage": "review"}) and not review_only.applies({})


def test_message_id_is_one_per_event_recipient_and_channel():
    same = message_id("e", "subject:hh-1", SMS)
    assert same == message_id("e", "subject:hh-1", SMS)
    others = {
        message_id("e2", "subject:hh-1", SMS),
        message_id("e", "subject:hh-2", SMS),
        message_id("e", "subject:hh-1", EMAIL),
    }
    assert same not in others and len(others) == 3


def test_shipped_sms_template_renders_correct_vietnamese():
    values = context(
        "recognised", RECOGNISED_DATA, {"name": "Hà Thị Thu", "unit_name": "Đồng Đăng"}
    )
    text = render(Templates().get("20", "recognised.sms"), values)
    assert text == (
        'Chúc mừng Hà Thị Thu được công nhận "Gia đình học tập" năm 2024 theo Quyết định số '
        "123/QĐ-UBND ngày 20/01/2025. Hội Khuyến học Đồng Đăng."
    )


def test_a_province_template_wins_and_an_unknown_placeholder_is_refused(tmp_path):
    (tmp_path / "20").mkdir()
    (tmp_path / "20" / "recognised.sms.txt").write_text("Chúc mừng ${name}!", encoding="utf-8")
    templates = Templates(str(tmp_path))
    assert render(templates.get("20", "recognised.sms"), {"name": "An"}) == "Chúc mừng An!"
    assert templates.get("01", "recognised.sms") == (
        SHIPPED_TEMPLATES / "recognised.sms.txt"
    ).read_text(encoding="utf-8")
    with pytest.raises(TemplateProblem):
        render("Xin chào ${ho_ten}", {"name": "An"})
    with pytest.raises(TemplateProblem):
        Templates().get("20", "nothing.sms")


def test_every_routed_template_is_shipped():
    from services.notification.domain import ROUTES

    for name, routes in ROUTES.items():
        for route in routes:
            if route.channel != WEBHOOK:
                assert (SHIPPED_TEMPLATES / f"{name}.{route.channel}.txt").is_file()


def test_email_template_first_line_is_the_subject():
    subject, body = email_parts("Tiêu đề\n\nNội dung\n")
    assert (subject, body) == ("Tiêu đề", "Nội dung\n")


def test_backoff_doubles_with_jitter_and_a_cap():
    assert retry_delay(1, 30, 3600, lambda: 0.0) == 15
    assert retry_delay(1, 30, 3600, lambda: 1.0) == 30
    assert retry_delay(3, 30, 3600, lambda: 1.0) == 120
    assert retry_delay(20, 30, 3600, lambda: 1.0) == 3600


@pytest.mark.parametrize(
    ("local", "ends"),
    [
        (datetime(2024, 11, 20, 22, 30, tzinfo=VN), datetime(2024, 11, 21, 7, 0, tzinfo=VN)),
        (datetime(2024, 11, 21, 6, 59, tzinfo=VN), datetime(2024, 11, 21, 7, 0, tzinfo=VN)),
        (datetime(2024, 11, 21, 7, 0, tzinfo=VN), None),
        (datetime(2024, 11, 21, 20, 59, tzinfo=VN), None),
    ],
)
def test_quiet_hours_defer_to_the_morning_in_vietnam(local, ends):
    quiet = QuietHours.parse("21:00-07:00", VN)
    assert quiet.ends(local.astimezone(UTC)) == (ends.astimezone(UTC) if ends else None)


def test_quiet_hours_are_per_province_and_can_be_off():
    settings = Settings.from_config(
        {
            "NOTIFICATION": {"SMS_QUIET_HOURS": "21:00-07:00"},
            "TENANT_SETTINGS": {"20": {"notification": {"quiet_hours": "off"}}},
        }
    )
    assert settings.of("20").quiet_hours is None
    assert settings.of("01").quiet_hours is not None
    assert (
        Settings.from_config({"NOTIFICATION": {"SMS_QUIET_HOURS": False}}).of("20").quiet_hours
        is None
    )


def test_reminder_a_week_before_the_dossier_deadline_unless_proposed():
    deadlines = [
        {"title": "COMMUNE_COMMUNITY", "dossier_due": "2025-02-28", "proposed": False},
        {"title": "UNIT", "dossier_due": "2025-01-15", "proposed": False},
        {"title": "FAMILY", "dossier_due": "2025-02-25", "proposed": True},
    ]
    found = due_reminders(
        "20", "06184", "20/183/06184", "Đồng Đăng", deadlines, 2024, date(2025, 2, 21)
    )
    assert [(n.data["title"], n.data["daysLeft"]) for n in found] == [("COMMUNE_COMMUNITY", 7)]
    assert found[0].id == "reminder-20-06184-COMMUNE_COMMUNITY-2024-dossier"
    values = context("reminder", found[0].data, {})
    text = render(Templates().get("20", "reminder.email"), values)
    assert "Còn 7 ngày" in text and "28/02/2025" in text and "Cộng đồng học tập cấp xã" in text


def test_partners_never_get_a_donors_name_nor_contacts_even_from_a_v1_event():
    """donated v2 names no donor; a v1 event received before the upgrade (name, e-mail,
    phone of a 500,000 đồng private donor) goes to partners as v2, the donor by kind only."""
    from khuyenhoc.contracts import validate_event
    from khuyenhoc.events import DONATED, DONATED_V1
    from services.notification.domain import cloud_event, for_partners

    donor = {
        "name": "Trần Thị Hảo",
        "kind": "person",
        "anonymous": False,
        "email": "hao@example.vn",
        "phone": "0912345678",
    }
    data = {"donor": donor, "amount": "500000"}
    assert for_partners("donated", data)["donor"] == {"kind": "person"}
    assert data["donor"]["email"] == "hao@example.vn"  # the inbox copy is untouched
    assert for_partners("recognised", {"x": 1}) == {"x": 1}

    import yaml

    from tests.unit.test_contracts import CONTRACTS_DIR

    asyncapi = yaml.safe_load((CONTRACTS_DIR / "asyncapi.yaml").read_text(encoding="utf-8"))
    example = asyncapi["components"]["messages"]["donated"]["examples"][0]["payload"]
    assert example["type"] == DONATED.type and example["data"]["donor"] == {"kind": "person"}
    legacy = {**example["data"], "amount": "500000", "donor": donor}
    for type_, given in ((DONATED.type, example["data"]), (DONATED_V1.type, legacy)):
        received = ReceivedEvent(
            id=example["id"],
            type=type_,
            time=example["time"],
            subject=example["subject"],
            tenant=example["tenant"],
            unitpath=example["unitpath"],
            data=given,
        )
        partner_copy = cloud_event(received)
        validate_event(partner_copy)  # the current contract's event
        assert partner_copy["type"] == DONATED.type
        assert partner_copy["data"]["donor"] == {"kind": "person"}
        text = json.dumps(partner_copy, ensure_ascii=False)
        assert "Hảo" not in text and "0912345678" not in text and "hao@" not in text


DONATED_DATA = {
    "donationId": "d-1",
    "unitCode": "06184",
    "receiptNumber": "06184-2024-000001",
    "amount": "5000000000",
    "kind": "cash",
    "channel": "bank_transfer",
    "receivedOn": "2024-10-02",
    "purpose": "scholarship",
    "donor": {"kind": "person"},
}


@pytest.mark.parametrize(
    ("amount", "written"),
    [
        ("5000000000", "5.000.000.000 đồng"),
        ("9007199254740993", "9.007.199.254.740.993 đồng"),  # beyond a float's exact integers
        ("9223372036854775807", "9.223.372.036.854.775.807 đồng"),
        ("1000", "1.000 đồng"),
        ("999", "999 đồng"),
        (250000, "250.000 đồng"),
        (None, ""),
        ("5e9", "5e9"),  # not the contract's form: shown as it came, never computed
    ],
)
def test_amounts_are_written_the_vietnamese_way_and_exactly(amount, written):
    from services.notification.domain import vn_amount

    assert vn_amount(amount) == written


def test_a_donor_is_thanked_by_email_with_the_receipt_and_by_sms_once_per_donation():
    from services.notification.domain import RECEIPT

    webhooks = [webhook("portal")]
    planned = plan(notice("donated", DONATED_DATA), [], webhooks)
    assert [(p.recipient, p.channel, p.attach) for p in planned] == [
        ("donor:d-1", EMAIL, RECEIPT),
        ("donor:d-1", SMS, None),
        ("webhook:portal", WEBHOOK, None),
    ]
    disbursed = plan(notice("disbursed", {"disbursementId": "x"}), [], webhooks)
    assert [(p.recipient, p.channel) for p in disbursed] == [("webhook:portal", WEBHOOK)]


def test_the_thank_you_names_the_donor_privately_in_correct_vietnamese():
    values = context(
        "donated", DONATED_DATA, {"name": "Trần Thị Hảo", "unit_name": "Thị trấn Đồng Đăng"}
    )
    sms = render(Templates().get("20", "donated.sms"), values)
    assert sms == (
        "Quỹ Khuyến học Thị trấn Đồng Đăng trân trọng cảm ơn Trần Thị Hảo đã ủng hộ "
        "5.000.000.000 đồng, biên lai số 06184-2024-000001."
    )
    subject, body = email_parts(render(Templates().get("20", "donated.email"), values))
    assert subject == "[Quỹ Khuyến học] Thư cảm ơn và biên lai số 06184-2024-000001"
    assert body.startswith("Kính gửi Trần Thị Hảo,")
    assert "trị giá 5.000.000.000 đồng, nhận ngày 02/10/2024" in body
    assert "Biên lai được gửi kèm thư này" in body
