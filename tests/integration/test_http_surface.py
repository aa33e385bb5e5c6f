"""The gateway's HTTP surface, over real HTTP: GraphiQL and its files served by the gateway
itself (nothing from the internet), mutations only over POST, CORS for the configured origins
only, and no GET query string in the access log."""

import gzip
import json
import logging
import re
import urllib.error
import urllib.request

import pytest

from gateway.access_log import REDACTED
from gateway.entrypoint import GatewayService
from tests.conftest import free_port

APP = "https://app.khuyenhoc.example.vn"


@pytest.fixture
def gateway(container_factory, config):
    """The gateway alone (what is tested here answers before any service is asked)."""
    address = f"127.0.0.1:{free_port()}"
    settings = {
        **config,
        "JWT_SECRET": "http-surface-secret-0123456789abcdef",
        "WEB_SERVER_ADDRESS": address,
        "CORS_ORIGINS": f"{APP}, http://x.test:8080",
    }
    container_factory(GatewayService, settings).start()
    return f"http://{address}"


def fetch(url, method="GET", headers=None, data=None):
    """(status, headers, body) of any answer, errors included."""
    request = urllib.request.Request(url, data=data, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def test_graphiql_page_and_its_files_come_from_the_gateway(gateway):
    status, headers, body = fetch(f"{gateway}/graphql", headers={"Accept": "text/html"})
    assert status == 200 and headers["Content-Type"] == "text/html; charset=utf-8"
    page = body.decode()
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    references = re.findall(r'<(?:script|link)\b[^>]*(?:src|href)="([^"]+)"', page)
    assert not re.search(r"(src|href)=\"(https?:)?//", page)
    assert "Authorization" in page and "Bearer" in page and "mã truy cập" in page
    names = {ref.split("?")[0] for ref in references}
    assert names == {
        "/static/graphiql/graphiql.min.css",
        "/static/graphiql/page.css",
        "/static/graphiql/react.production.min.js",
        "/static/graphiql/react-dom.production.min.js",
        "/static/graphiql/graphiql.min.js",
        "/static/graphiql/setup.js",
    }
    for reference in references:
        status, headers, body = fetch(gateway + reference)
        kind = "text/css" if reference.split("?")[0].endswith(".css") else "text/javascript"
        assert (status, headers["Content-Type"]) == (200, f"{kind}; charset=utf-8"), reference
        assert headers["Cache-Control"] == "public, max-age=31536000, immutable"
        assert body and b"https://unpkg.com" not in body
    _, _, script = fetch(f"{gateway}/static/graphiql/graphiql.min.js")
    assert b"GraphiQL" in script and len(script) > 1_000_000
    status, headers, zipped = fetch(
        f"{gateway}/static/graphiql/graphiql.min.js", headers={"Accept-Encoding": "gzip"}
    )
    assert headers["Content-Encoding"] == "gzip" and gzip.decompress(zipped) == script
    etag = headers["ETag"]
    status, headers, _ = fetch(f"{gateway}/static/graphiql/graphiql.min.js")
    assert headers["Cache-Control"] == "no-cache"  # an address without the current hash
    assert (
        fetch(gateway + "/static/graphiql/graphiql.min.js", headers={"If-None-Match": etag})[0]
        == 304
    )


@pytest.mark.parametrize(
    "name", ["graphiql/LICENSE.react", "graphiql/README.md", "../graphiql.html", "x.js"]
)
def test_only_the_shipped_scripts_and_styles_are_served(gateway, name):
    assert fetch(f"{gateway}/static/{name}")[0] == 404


MUTATION = """mutation Drop($input: RegisterHouseholdInput!) {
  registerHousehold(input: $input) { enrolmentId } }"""
BOTH = "query Hello { __typename }\n" + MUTATION


@pytest.mark.parametrize(
    "params",
    [
        {"query": MUTATION},
        {"query": BOTH, "operationName": "Drop"},
        {"query": "mutation { nothingSuch }"},  # refused before validation, whatever it says
    ],
)
def test_a_mutation_sent_with_get_is_refused(gateway, params):
    url = f"{gateway}/graphql?{urllib.parse.urlencode(params)}"
    status, headers, body = fetch(url, headers={"Accept": "application/json"})
    assert status == 405 and headers["Allow"] == "POST"
    (error,) = json.loads(body)["errors"]
    assert error["extensions"]["code"] == "METHOD_NOT_ALLOWED"
    assert "chỉ được gửi bằng phương thức POST" in error["message"]


def test_queries_over_get_still_work(gateway):
    for params in ({"query": "{ __typename }"}, {"query": BOTH, "operationName": "Hello"}):
        status, _, body = fetch(f"{gateway}/graphql?{urllib.parse.urlencode(params)}")
        assert (status, json.loads(body)) == (200, {"data": {"__typename": "Query"}})


def test_no_query_string_of_graphql_reaches_the_access_log(gateway, caplog):
    caplog.set_level(logging.INFO, logger="nameko.web.server")
    secret = "0912345678"
    # a query that no service answers (only the gateway runs here), the secret in its text
    query = f"query Phone {{ phone: __typename # {secret}\n }}"
    fetch(f"{gateway}/graphql?{urllib.parse.urlencode({'query': query})}")
    fetch(f"{gateway}/health?probe=1")
    lines = [r.getMessage() for r in caplog.records if r.name == "nameko.web.server"]
    assert any(f"GET /graphql?{REDACTED} HTTP" in line for line in lines), lines
    assert any("GET /health?probe=1 HTTP" in line for line in lines)  # only /graphql's
    assert not any(secret in line for line in lines)


def test_cors_preflight_and_answers_name_only_configured_origins(gateway):
    preflight = {
        "Origin": APP,
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization, content-type",
    }
    status, headers, _ = fetch(f"{gateway}/graphql", "OPTIONS", preflight)
    assert status == 204
    assert headers["Access-Control-Allow-Origin"] == APP
    assert headers["Access-Control-Allow-Methods"] == "POST, GET"
    assert headers["Access-Control-Allow-Headers"] == "Authorization, Content-Type"
    assert int(headers["Access-Control-Max-Age"]) > 0 and headers["Vary"] == "Origin"
    assert "Access-Control-Allow-Credentials" not in headers
    status, headers, _ = fetch(
        f"{gateway}/graphql", "OPTIONS", {**preflight, "Origin": "https://evil.test"}
    )
    assert status == 204 and "Access-Control-Allow-Origin" not in headers
    body = json.dumps({"query": "query Q { __typename }"}).encode()
    for origin, echoed in (
        (APP, APP),
        ("https://evil.test", None),
        ("http://x.test:8080", "http://x.test:8080"),
    ):
        status, headers, answer = fetch(
            f"{gateway}/graphql",
            "POST",
            {"Origin": origin, "Content-Type": "application/json"},
            body,
        )
        assert status == 200 and json.loads(answer)["data"] == {"__typename": "Query"}
        assert headers.get("Access-Control-Allow-Origin") == echoed and "Origin" in headers["Vary"]


def test_files_answer_cors_for_configured_origins_with_their_name_readable(gateway):
    """A front end of an allowed origin downloads a file with its token and reads its name;
    another origin's page gets no CORS header (the browser keeps the answer from it)."""
    preflight = {
        "Origin": APP,
        "Access-Control-Request-Method": "GET",
        "Access-Control-Request-Headers": "authorization",
    }
    status, headers, _ = fetch(f"{gateway}/files/receipts/abc.pdf", "OPTIONS", preflight)
    assert status == 204 and headers["Access-Control-Allow-Origin"] == APP
    assert headers["Access-Control-Allow-Methods"] == "GET"
    assert "Authorization" in headers["Access-Control-Allow-Headers"]
    evil = {**preflight, "Origin": "https://evil.test"}
    status, headers, _ = fetch(f"{gateway}/files/receipts/abc.pdf", "OPTIONS", evil)
    assert status == 204 and "Access-Control-Allow-Origin" not in headers
    # a refusal (no token) carries the headers too, so the app can read the Vietnamese reason
    status, headers, body = fetch(f"{gateway}/files/receipts/abc.pdf", headers={"Origin": APP})
    assert status == 401 and json.loads(body)["error"]
    assert headers["Access-Control-Allow-Origin"] == APP and "Origin" in headers["Vary"]
    assert headers["Access-Control-Expose-Headers"] == "Content-Disposition"
    status, headers, _ = fetch(
        f"{gateway}/files/receipts/abc.pdf", headers={"Origin": "https://evil.test"}
    )
    assert status == 401 and "Access-Control-Allow-Origin" not in headers
