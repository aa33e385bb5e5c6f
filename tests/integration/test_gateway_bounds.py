"""Bounded work at the gateway, over real HTTP with the real broker: a service whose queue exists
but which is down answers SERVICE_UNAVAILABLE within RPC_TIMEOUT_SECONDS and the gateway keeps
serving; bodies over the cap get 413; sign-in and anonymous requests past their rate get 429 with
Retry-After; a province's import caps refuse a list before any row is read (nothing imported)."""

import base64
import json
import urllib.error
import urllib.request

import pytest
from kombu import Connection, Exchange, Queue

from bench.commune_file import household_list
from gateway.entrypoint import GatewayService
from gateway.rpc_calls import RPC_TIMEOUTS
from services.registration.entrypoint import RegistrationService
from tests.conftest import free_port
from tests.integration.conftest import SECRET, token_for
from tests.integration.helpers import load_demo_directory

UNITS = "{ orgUnits(level: PROVINCE, first: 5) { nodes { code name } } }"
SIGN_IN = 'mutation { signIn(input: {username: "nobody", password: "wrong"}) { accessToken } }'
START = """mutation($input: StartImportInput!) { startImport(input: $input) { id total } }"""


def send(address, body, headers=None, method="POST", path="/graphql"):
    """(status, headers, parsed JSON or text) of any answer, errors included."""
    data = body if isinstance(body, bytes) or body is None else json.dumps(body).encode()
    request = urllib.request.Request(
        f"http://{address}{path}",
        data=data,
        headers={"Content-Type": "application/json", **(headers or {})},
        method=method,
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            status, answer_headers, raw = response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        status, answer_headers, raw = error.code, error.headers, error.read()
    try:
        return status, answer_headers, json.loads(raw)
    except ValueError:
        return status, answer_headers, raw.decode("utf-8", "replace")


@pytest.fixture
def lone_gateway(container_factory, config):
    """The gateway alone, with small limits; registration's RPC queue declared but nobody
    consuming it (a service that is down)."""
    address = f"127.0.0.1:{free_port()}"
    settings = {
        **config,
        "JWT_SECRET": SECRET,
        "WEB_SERVER_ADDRESS": address,
        "RPC_TIMEOUT_SECONDS": 0.5,
        "MAX_BODY_BYTES": 64 * 1024,
        "RATE_LIMITS": {
            "sign_in": {"burst": 3, "per_second": 0.01},
            "public": {"burst": 6, "per_second": 0.01},
        },
        "TRUSTED_PROXIES": "127.0.0.1",
    }
    with Connection(config["AMQP_URI"]) as connection:
        exchange = Exchange("nameko-rpc", type="topic", durable=True)
        queue = Queue("rpc-registration", exchange, routing_key="registration.*", durable=True)
        queue.bind(connection.default_channel).declare()
        container_factory(GatewayService, settings).start()
        yield address
        queue.bind(connection.default_channel).delete()


def test_a_service_that_is_down_answers_unavailable_and_the_gateway_keeps_serving(lone_gateway):
    status, _, answer = send(lone_gateway, {"query": UNITS})
    assert status == 200
    (error,) = answer["errors"]
    assert error["extensions"] == {"code": "SERVICE_UNAVAILABLE", "service": "registration"}
    assert error["message"] == "Dịch vụ tạm thời không trả lời; vui lòng thử lại sau ít phút."
    # the gateway still answers what needs no service, and the next request times out again
    status, _, page = send(lone_gateway, None, {"Accept": "text/html"}, method="GET")
    assert status == 200 and "GraphiQL" in page
    status, _, answer = send(lone_gateway, {"query": UNITS}, {"Authorization": "Bearer x.y.z"})
    assert status == 401  # a bad token is still refused before any service is asked
    status, _, answer = send(lone_gateway, {"query": UNITS})
    assert answer["errors"][0]["extensions"]["code"] == "SERVICE_UNAVAILABLE"


def test_one_silent_service_costs_a_request_one_timeout_not_one_per_field(lone_gateway):
    timeouts = RPC_TIMEOUTS.labels(service="registration", method="get_unit")
    before = timeouts._value.get()
    two = '{ a: orgUnit(code: "20") { name } b: orgUnit(code: "01") { name } }'
    status, _, answer = send(lone_gateway, {"query": two})
    codes = [e["extensions"]["code"] for e in answer["errors"]]
    assert status == 200 and codes == ["SERVICE_UNAVAILABLE", "SERVICE_UNAVAILABLE"]
    assert timeouts._value.get() - before == 1


def test_a_body_over_the_cap_is_refused_with_413_before_it_is_read(lone_gateway):
    status, _, answer = send(lone_gateway, {"query": UNITS, "variables": {"x": "a" * 70_000}})
    assert status == 413
    (error,) = answer["errors"]
    assert error["extensions"]["code"] == "PAYLOAD_TOO_LARGE"
    assert error["message"] == "Yêu cầu quá lớn: nội dung gửi lên tối đa 65536 byte."


def test_sign_in_past_its_rate_gets_429_with_retry_after(lone_gateway):
    statuses = [send(lone_gateway, {"query": SIGN_IN})[0] for _ in range(3)]
    assert 429 not in statuses  # the burst passes (to the service that is down)
    status, headers, answer = send(lone_gateway, {"query": SIGN_IN})
    assert status == 429 and int(headers["Retry-After"]) >= 1
    (error,) = answer["errors"]
    assert error["extensions"]["code"] == "TOO_MANY_REQUESTS"
    assert error["message"].startswith("Quá nhiều yêu cầu trong thời gian ngắn")
    # another limit's bucket (anonymous reads) is not spent by sign-in
    assert send(lone_gateway, {"query": "{ __typename }"})[0] == 200


def test_sign_in_is_limited_per_username_whatever_the_forwarded_address(lone_gateway):
    for hop in ("9.9.9.1", "9.9.9.2", "9.9.9.3"):
        assert send(lone_gateway, {"query": SIGN_IN}, {"X-Forwarded-For": hop})[0] == 200
    status, _, _ = send(lone_gateway, {"query": SIGN_IN}, {"X-Forwarded-For": "9.9.9.4"})
    assert status == 429  # the same username from a fourth address
    other = SIGN_IN.replace("nobody", "somebody")
    assert send(lone_gateway, {"query": other}, {"X-Forwarded-For": "9.9.9.5"})[0] == 200


def test_public_pages_past_their_rate_get_429(lone_gateway):
    statuses = [send(lone_gateway, None, method="GET", path="/cong-khai")[0] for _ in range(6)]
    assert statuses == [200] * 6
    status, headers, answer = send(lone_gateway, None, method="GET", path="/cong-khai")
    assert status == 429 and headers["Retry-After"]
    assert answer["errors"][0]["extensions"]["code"] == "TOO_MANY_REQUESTS"
    forwarded = {"X-Forwarded-For": "203.0.113.7"}  # another client behind the trusted proxy
    assert send(lone_gateway, None, forwarded, method="GET", path="/cong-khai")[0] == 200


def test_a_query_past_the_limits_is_refused_without_asking_any_service(lone_gateway):
    aliased = " ".join(f'a{i}: orgUnit(code: "20") {{ name }}' for i in range(61))
    status, _, answer = send(lone_gateway, {"query": "{" + aliased + "}"})
    assert status == 200 and answer["data"] is None
    assert answer["errors"][0]["extensions"]["code"] == "QUERY_TOO_COMPLEX"
    typenames = "{" + " __typename" * 4_000 + "}"  # 44 KB: under the body cap, over the text cap
    status, _, answer = send(lone_gateway, {"query": typenames})
    assert answer["errors"][0]["extensions"]["code"] == "QUERY_TOO_LARGE"


@pytest.fixture
def registrar(container_factory, config):
    """Registration and the gateway, Lạng Sơn's imports capped at 100 rows and 40,000 bytes."""
    config = {**config, "JWT_SECRET": SECRET}
    settings = config["TENANT_SETTINGS"]["20"]
    config["TENANT_SETTINGS"] = {
        "20": {**settings, "limits": {"import_rows": 100, "upload_bytes": 40_000}}
    }
    load_demo_directory(config, "20")
    container_factory(RegistrationService, config).start()
    address = f"127.0.0.1:{free_port()}"
    container_factory(GatewayService, {**config, "WEB_SERVER_ADDRESS": address}).start()
    return address


def _start(address, content, file_name):
    variables = {
        "input": {
            "communeCode": "06184",
            "kind": "HOUSEHOLD",
            "year": 2023,
            "fileName": file_name,
            "content": base64.b64encode(content).decode("ascii"),
        }
    }
    headers = {"Authorization": f"Bearer {token_for('20')}"}
    return send(address, {"query": START, "variables": variables}, headers)


def _refused(answer):
    (error,) = answer["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    (field,) = error["extensions"]["fields"]
    return field["field"], field["key"], field["message"]


def test_a_province_import_caps_refuse_a_list_before_any_row_is_read(registrar):
    rows, _ = household_list(150)
    status, _, answer = _start(registrar, rows, "danh-sach.xlsx")
    assert status == 200 and answer["data"]["startImport"] is None
    assert _refused(answer) == (
        "file",
        "import_too_many_rows",
        "Tệp danh sách có quá nhiều dòng: mỗi lần nhập tối đa 100 dòng dữ liệu; hãy chia tệp.",
    )
    big = b"STT,Ho va ten\n" + b"".join(b"%d,Nguyen Van A\n" % i for i in range(4_000))
    status, _, answer = _start(registrar, big, "danh-sach.csv")
    field, key, text = _refused(answer)
    assert (field, key) == ("file", "import_too_large") and "tối đa 39 KB;" in text
    few, _ = household_list(20)
    assert _start(registrar, few, "danh-sach.xlsx")[2]["data"]["startImport"]["total"] >= 20


def test_the_probe_csv_of_12_mb_is_refused_at_the_door(registrar):
    """400,000 rows, 12 MB: over the default body cap (15 MiB) once base64-encoded."""
    line = b"%06d,Nguyen Van An Thi Tran Dong Dang\n"
    probe = b"STT,Ho va ten\n" + b"".join(line % i for i in range(400_000))
    assert len(probe) > 12_000_000
    status, _, answer = _start(registrar, probe, "danh-sach.csv")
    assert status == 413 and answer["errors"][0]["extensions"]["code"] == "PAYLOAD_TOO_LARGE"
