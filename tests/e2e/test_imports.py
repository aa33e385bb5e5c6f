"""A commune's list imported through the running platform: progress, error report, the same
list again, the roll-up, and the officers' export."""

import base64
import io
import urllib.error
import urllib.request

import pytest
from openpyxl import load_workbook

from bench.commune_file import household_list
from tests.conftest import wait_until
from tests.e2e.client import graphql

pytestmark = pytest.mark.e2e

START = """mutation($input: StartImportInput!) { startImport(input: $input) {
  id status total done created duplicates failed errorReportUrl } }"""
JOB = """query($id: String!) { importJob(id: $id) {
  id status total done created duplicates failed errorReportUrl } }"""
FAMILY = """query($code: String!) { orgUnit(code: $code) {
  stats(year: 2023) { title(title: FAMILY) { registered } } } }"""
ROWS, BAD_EVERY = 3000, 50


def start(platform, token, content, file_name="danh-sach-2023.xlsx", commune="06184"):
    variables = {
        "input": {
            "communeCode": commune,
            "kind": "HOUSEHOLD",
            "year": 2023,
            "fileName": file_name,
            "content": base64.b64encode(content).decode("ascii"),
        }
    }
    return graphql(platform, START, variables, token=token)


def finished(platform, token, job_id):
    def done():
        job = graphql(platform, JOB, {"id": job_id}, token=token)["data"]["importJob"]
        return job if job["status"] == "DONE" else None

    return wait_until(done, timeout=180, interval=0.5, what="the import")


def figure(platform, token, code):
    answer = graphql(platform, FAMILY, {"code": code}, token=token)
    return answer["data"]["orgUnit"]["stats"]["title"]["registered"]


def download(platform, path, token=None):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    request = urllib.request.Request(platform.url(platform.gateway, path), headers=headers)
    with urllib.request.urlopen(request, timeout=60) as response:
        return response.read()


def sheet_rows(content):
    book = load_workbook(io.BytesIO(content), read_only=True)
    return [list(row) for row in book.worksheets[0].iter_rows(values_only=True)]


def test_a_commune_list_imports_with_its_errors_and_rolls_up(platform, admin, tokens):
    content, bad = household_list(ROWS, bad_every=BAD_EVERY)
    before = {code: figure(platform, admin, code) for code in ("06184", "183", "20")}

    started = start(platform, admin, content)["data"]["startImport"]
    assert started["status"] in ("PENDING", "RUNNING", "DONE")
    assert started["total"] >= ROWS
    job = finished(platform, admin, started["id"])
    assert (job["done"], job["failed"], job["created"], job["duplicates"]) == (
        ROWS,
        bad,
        ROWS - bad,
        0,
    )

    report = sheet_rows(download(platform, job["errorReportUrl"], admin))
    errors = [row for row in report if isinstance(row[0], int)]
    assert {row[0] for row in errors} == {5 + n for n in range(BAD_EVERY - 1, ROWS, BAD_EVERY)}
    assert {row[1] for row in errors} == {"Họ và tên", "Năm sinh", "Số điện thoại"}
    assert all(row[2] for row in errors)  # a Vietnamese reason on every line

    for code in ("06184", "183", "20"):
        wait_until(
            lambda c=code: figure(platform, admin, c) == before[c] + ROWS - bad,
            timeout=180,
            interval=0.5,
            what=f"the roll-up at {code}",
        )

    again = start(platform, admin, content)["data"]["startImport"]
    assert again["id"] == started["id"]  # the same file: the same job, nothing new
    resaved = start(platform, admin, content + b"", file_name="danh-sach-2023 (1).xlsx")
    assert resaved["data"]["startImport"]["id"] == started["id"]

    exported = sheet_rows(download(platform, "/files/exports/06184/2023.xlsx", admin))
    names = [row[1] for row in exported if isinstance(row[0], int)]
    assert len(names) >= ROWS - bad and all(names)

    # the file outside the caller's reach, and without a token
    for token, status in ((tokens["sibling"], 403), (tokens["hanoi"], 404), (None, 401)):
        with pytest.raises(urllib.error.HTTPError) as caught:
            download(platform, job["errorReportUrl"], token)
        assert caught.value.code == status
    hidden = graphql(platform, JOB, {"id": started["id"]}, token=tokens["hanoi"])
    assert hidden["data"]["importJob"] is None
    refused = graphql(platform, JOB, {"id": started["id"]}, token=tokens["sibling"])
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"


def test_a_changed_list_adds_only_its_new_rows(platform, admin):
    first, _ = household_list(200, seed=7)
    job = finished(
        platform, admin, start(platform, admin, first, commune="06187")["data"]["startImport"]["id"]
    )
    assert job["created"] == 200
    bigger, _ = household_list(250, seed=7)  # the same 200 households and 50 more
    job = finished(
        platform,
        admin,
        start(platform, admin, bigger, commune="06187")["data"]["startImport"]["id"],
    )
    assert (job["created"], job["duplicates"]) == (50, 200)


def test_a_file_that_is_not_a_list_is_refused_at_once(platform, admin, tokens):
    answer = start(platform, admin, b"not a spreadsheet at all", file_name="x.xlsx")
    (error,) = answer["errors"]
    assert error["extensions"]["fields"][0]["field"] == "file"
    refused = start(platform, tokens["sibling"], household_list(5)[0])
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"


def test_templates_are_public_and_round_trip(platform):
    for kind in ("household", "clan", "community", "learning_unit", "citizen"):
        rows = sheet_rows(download(platform, f"/files/templates/{kind}.xlsx"))
        assert any(row and row[0] for row in rows)


def test_the_command_line_imports_with_a_progress_bar(platform, admin, tmp_path):
    import os
    import subprocess
    import sys

    content, _ = household_list(40, seed=11)
    path = tmp_path / "danh-sach-thon.xlsx"
    path.write_bytes(content)
    env = {**os.environ, **platform.settings()}
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "ops.cli",
            "import",
            "households",
            str(path),
            "--commune",
            "06190",
            "--year",
            "2023",
            "--tenant",
            "20",
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert "Xong: 40 đăng ký mới, 0 đã có, 0 dòng lỗi." in done.stdout
    assert "dòng" in done.stderr  # tqdm draws its bar on stderr
    again = subprocess.run(done.args, capture_output=True, text=True, env=env, timeout=300)
    assert "đã được nhập trước đó" in again.stdout
