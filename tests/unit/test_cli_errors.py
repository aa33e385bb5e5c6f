"""The command line fails in one line: an unknown or unserved province, an unreachable store or
broker, a missing file are said in Vietnamese with a non-zero status, never a traceback."""

import os
import subprocess
import sys

import pytest
import yaml
from kombu.exceptions import OperationalError
from pymongo.errors import ServerSelectionTimeoutError

from khuyenhoc.config import REPO_ROOT
from ops.cli import main, parser
from ops.cli_errors import CommandError, check_province, one_line, where


@pytest.mark.parametrize(
    "argv",
    [
        ["fund", "reconcile", "99"],  # was "số dư khớp"
        ["fund", "reconcile", "abc"],
        ["criteria", "list", "01"],  # a province, not served by the default config (20)
        ["accounts", "create-admin", "--tenant", "99", "--username", "admin"],
        ["token", "create", "--tenant", "7", "--unit", "07", "--role", "auditor", "--subject", "x"],
        ["directory", "reorganise", "99"],
        ["directory", "load", "99"],
    ],
)
def test_an_unknown_or_unserved_province_is_refused_before_the_command_runs(argv):
    with pytest.raises(CommandError, match="tỉnh"):
        check_province(parser().parse_args(argv))


@pytest.mark.parametrize(
    "argv",
    [
        ["directory", "load", "all"],
        ["directory", "load", "01"],  # loading units is not acting on a province's data
        ["fund", "reconcile", "20"],
        ["criteria", "validate", "sets.yaml"],  # no province
    ],
)
def test_a_known_province_passes(argv):
    check_province(parser().parse_args(argv))


def test_reconcile_of_an_unknown_province_says_so_and_fails(capsys):
    assert main(["fund", "reconcile", "99"]) == 1
    said = capsys.readouterr()
    assert "khớp" not in said.out
    assert said.err.startswith("lỗi: không có tỉnh/thành phố nào mã '99'")


def test_an_unreachable_store_is_named_without_its_credentials(tmp_path):
    config = tmp_path / "config.yaml"
    config.write_text(yaml.safe_dump({"MONGO_URI": "mongodb://ops:hunter2@db.example:27017"}))
    args = parser().parse_args(["fund", "reconcile", "20", "--config", str(config)])
    text, status = one_line(ServerSelectionTimeoutError("db.example:27017 refused"), args)
    assert status == 1
    assert "MongoDB (db.example:27017)" in text
    assert "hunter2" not in text
    assert where("amqp://guest:guest@rabbit:5672/") == "rabbit:5672"


def test_an_unreachable_broker_or_a_missing_file_is_one_line(tmp_path):
    args = parser().parse_args(["dead-letters", "list", "fund"])
    text, status = one_line(OperationalError("[Errno 111] Connection refused"), args)
    assert (status, text.split(" (")[0]) == (1, "không kết nối được RabbitMQ")
    missing = FileNotFoundError(2, "No such file or directory", str(tmp_path / "a.xlsx"))
    text, _ = one_line(missing, args)
    assert text.startswith("không đọc/ghi được tệp") and "a.xlsx" in text


def test_failing_commands_print_one_line_and_no_traceback(tmp_path):
    """The real command line in its own processes, run at once (an unreachable store takes
    5 s or more to fail: its message is pinned in-process above)."""
    env = {
        **os.environ,
        "MONGO_URI": "mongodb://127.0.0.1:1",
        "AMQP_URI": "amqp://guest:guest@127.0.0.1:1/",
    }
    env.pop("KHUYENHOC_DEBUG", None)
    commands = [
        ["fund", "reconcile", "99"],
        ["fund", "reconcile", "20", "--config", str(tmp_path / "missing.yaml")],
    ]
    script = [sys.executable, "-c", "import sys; from ops.cli import main; sys.exit(main())"]
    running = [
        subprocess.Popen(
            [*script, *argv],
            env=env,
            cwd=REPO_ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for argv in commands
    ]
    for argv, process in zip(commands, running, strict=True):
        out, err = process.communicate(timeout=60)
        assert process.returncode == 1, (argv, out, err)
        assert "Traceback" not in err + out, argv
        assert err.startswith("lỗi: ") and err.count("\n") == 1, (argv, err)
