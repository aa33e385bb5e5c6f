"""The benchmarks' results writer: one JSON per benchmark, a Markdown summary of all, and the
README's block between markers replaced, nothing else."""

import json

import pytest

from bench import results
from bench.processes import Usage, cpu_delta, parse_stat, parse_status


@pytest.fixture
def out(tmp_path, monkeypatch):
    monkeypatch.setenv("BENCH_RESULTS_DIR", str(tmp_path))
    return tmp_path


def test_save_writes_figures_machine_date_and_commit(out):
    path = results.save("reads", {"p95_ms": 84.2}, [("province page p95", "84 ms", "< 100")])
    assert path == out / "reads.json"
    doc = json.loads(path.read_text())
    assert doc["figures"] == {"p95_ms": 84.2}
    assert doc["table"] == [["province page p95", "84 ms", "< 100"]]
    assert doc["machine"]["cores"] >= 1 and doc["machine"]["python"]
    assert doc["date"].endswith("+00:00") and doc["commit"]


def test_bad_names_and_rows_are_refused(out):
    with pytest.raises(ValueError):
        results.save("../x", {})
    with pytest.raises(ValueError):
        results.save("x", {}, [("only two", "cells")])  # type: ignore[list-item]


def test_summary_has_one_section_per_benchmark_with_its_table(out):
    results.save("wave", {}, [("wall | time", "10 s", "3× floor")], title="Wave")
    results.save("donations", {}, [("throughput", "500/s", "")])
    (out / "_scratch.json").write_text("{}")
    text = results.write_summary().read_text()
    assert text.index("### donations") < text.index("### Wave")
    assert "| wall \\| time | 10 s | 3× floor |" in text
    assert "_scratch" not in text


def test_markdown_table():
    assert results.markdown_table([("a", "b", "c")]).splitlines() == [
        "| Figure | Value | Note |",
        "|---|---:|---|",
        "| a | b | c |",
    ]


def test_readme_block_is_replaced_between_markers_only(out):
    text = f"# X\n\nbefore\n{results.START_MARKER}\nold\n{results.END_MARKER}\nafter\n"
    block = "new table"
    done = results.replace_between_markers(text, block)
    assert (
        done == f"# X\n\nbefore\n{results.START_MARKER}\nnew table\n{results.END_MARKER}\nafter\n"
    )
    assert results.replace_between_markers(done, block) == done
    appended = results.replace_between_markers("# Y\n", block)
    assert appended.endswith(f"{results.START_MARKER}\nnew table\n{results.END_MARKER}\n")


def test_update_readme(out, tmp_path):
    results.save("wave", {}, [("wall", "1 s", "")], title="Wave")
    readme = tmp_path / "README.md"
    readme.write_text(f"intro\n{results.START_MARKER}\n{results.END_MARKER}\nrest\n")
    results.update_readme(readme)
    text = readme.read_text()
    assert "#### Wave" in text and "| wall | 1 s |  |" in text
    assert text.startswith("intro\n") and text.endswith("rest\n")


def test_proc_parsing():
    stat = "42 (nameko (x) y) S 1 2 3 4 5 6 7 8 9 10 250 150 0 0 20 0 1 0 100 0 0"
    assert parse_stat(stat) == pytest.approx(400 / results_ticks())
    status = "Name:\tx\nVmHWM:\t  204800 kB\nVmRSS:\t  102400 kB\n"
    assert parse_status(status) == (200.0, 100.0)
    before = {"a": Usage(1.0, 1, 1), "b": Usage(2.0, 1, 1)}
    after = {"a": Usage(3.5, 1, 1), "c": Usage(9.0, 1, 1)}
    assert cpu_delta(before, after) == {"a": 2.5}


def results_ticks():
    from bench.processes import TICKS

    return TICKS
