"""GraphiQL as an officer meets it: the page's default query answers without a token, and, where
Debian's ``chromium`` is installed, the page renders in a headless browser from the gateway's own
files (the screenshot is left in the test's temporary directory)."""

import json
import re
import shutil
import subprocess

import pytest

from gateway.assets import STATIC_ROOT
from tests.e2e.client import graphql

pytestmark = pytest.mark.e2e


def default_query() -> str:
    script = (STATIC_ROOT / "graphiql" / "setup.js").read_text(encoding="utf-8")
    body = re.search(r"var defaultQuery = \[(.*?)\]\.join", script, re.DOTALL)
    assert body, "setup.js names its default query"
    return "\n".join(json.loads(line.strip().rstrip(",")) for line in body[1].strip().splitlines())


def test_the_default_query_answers_without_a_token(platform):
    query = default_query()
    assert "Authorization" in query and "Bearer" in query  # the hint, in the editor too
    answer = graphql(platform, query)
    assert "errors" not in answer, answer
    province = answer["data"]["orgUnit"]
    assert province["code"] == "20" and province["name"] and province["children"]
    assert isinstance(answer["data"]["criteriaSets"], list)


@pytest.mark.skipif(shutil.which("chromium") is None, reason="Debian's chromium not installed")
def test_the_page_renders_in_a_headless_browser(platform, tmp_path):
    url = platform.url(platform.gateway, "/graphql")
    command = [
        "chromium",
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        f"--user-data-dir={tmp_path / 'profile'}",
        "--window-size=1280,800",
        "--virtual-time-budget=10000",
        "--proxy-server=127.0.0.1:9",  # no internet: must not matter
        "--proxy-bypass-list=127.0.0.1",
    ]
    dom = subprocess.run(
        [*command, "--dump-dom", url], capture_output=True, text=True, timeout=120, check=True
    ).stdout
    assert "graphiql-container" in dom and "Đang tải GraphiQL" not in dom
    assert "Bearer" in dom  # the visible hint
    shot = tmp_path / "graphiql.png"
    subprocess.run([*command, f"--screenshot={shot}", url], capture_output=True, timeout=120)
    assert shot.exists() and shot.stat().st_size > 10_000
