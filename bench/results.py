"""Where benchmarks put their figures: ``bench/results/<name>.json`` and one Markdown summary.

API for every benchmark (reads, donations, wave, floor, ...)::

    from bench.results import save

    save(
        "reads",                                   # -> bench/results/reads.json
        {"province_page_p95_ms": 84.2, ...},       # figures: any JSON-able dict (flat is best)
        [("province page p95, 10 clients", "84 ms", "< 100 ms"), ...],   # summary rows
        title="Reads: pages at 1/10/50 clients",   # optional heading in SUMMARY.md
    )

- ``figures`` is stored as is, next to ``machine`` (cores, python, platform), ``date`` (UTC,
  ISO 8601) and ``commit`` (``git rev-parse --short HEAD``, "+dirty" when the tree has changes).
- ``table_rows`` are ``(figure, value, note)`` triples of already formatted strings; the note is
  free text (a target, a ratio to the raw floor, "shared broker", ...). They land in the JSON
  under ``"table"`` and become that benchmark's section of the summary.
- ``save`` returns the path written. ``write_summary()`` (called by ``python -m bench.results``,
  which ``make bench`` runs last) rebuilds ``bench/results/SUMMARY.md`` from every
  ``<name>.json`` present (sorted by name; files whose name starts with ``_`` are skipped), and
  ``python -m bench.results --readme README.md`` also copies it into the README between the
  markers ``<!-- bench-summary:start -->`` and ``<!-- bench-summary:end -->``.
- ``BENCH_RESULTS_DIR`` (env) redirects the output directory (tests use a temporary one).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import subprocess
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
START_MARKER = "<!-- bench-summary:start -->"
END_MARKER = "<!-- bench-summary:end -->"

Row = tuple[str, str, str]


def results_dir() -> Path:
    return Path(os.environ.get("BENCH_RESULTS_DIR") or ROOT / "bench" / "results")


def machine() -> dict[str, Any]:
    """What the figures were measured on."""
    return {
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "system": f"{platform.system()} {platform.release()} {platform.machine()}",
    }


def git_commit() -> str:
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return commit + ("+dirty" if dirty else "")


def record(
    name: str, figures: dict[str, Any], table_rows: Sequence[Row], title: str | None = None
) -> dict[str, Any]:
    """The JSON document ``save`` writes (pure but for the clock and git)."""
    return {
        "name": name,
        "title": title or name,
        "date": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
        "commit": git_commit(),
        "machine": machine(),
        "figures": figures,
        "table": [list(row) for row in table_rows],
    }


def save(
    name: str,
    figures: dict[str, Any],
    table_rows: Sequence[Row] = (),
    title: str | None = None,
) -> Path:
    """Write ``bench/results/<name>.json``; returns its path."""
    if not name or "/" in name or name.startswith("."):
        raise ValueError(f"bad benchmark name: {name!r}")
    for row in table_rows:
        if len(row) != 3:
            raise ValueError(f"a summary row is (figure, value, note): {row!r}")
    directory = results_dir()
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{name}.json"
    document = record(name, figures, table_rows, title)
    path.write_text(json.dumps(document, ensure_ascii=False, indent=2, default=str) + "\n")
    return path


def _cell(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def markdown_table(rows: Iterable[Sequence[str]]) -> str:
    """A Markdown table of (figure, value, note) rows."""
    lines = ["| Figure | Value | Note |", "|---|---:|---|"]
    lines += [f"| {_cell(a)} | {_cell(b)} | {_cell(c)} |" for a, b, c in rows]
    return "\n".join(lines)


def summary(documents: Iterable[dict[str, Any]]) -> str:
    """The Markdown summary of saved benchmark documents."""
    parts = []
    for doc in documents:
        m = doc.get("machine", {})
        parts.append(
            f"### {doc.get('title') or doc['name']}\n\n"
            f"`{doc['name']}` · {doc.get('date', '?')} · commit {doc.get('commit', '?')} · "
            f"{m.get('cores', '?')} cores · Python {m.get('python', '?')}\n\n"
            + markdown_table(doc.get("table", []))
        )
    if not parts:
        return "_No benchmark results yet: run `make bench`._\n"
    return "\n\n".join(parts) + "\n"


def load_all(directory: Path | None = None) -> list[dict[str, Any]]:
    directory = directory or results_dir()
    documents = []
    for path in sorted(directory.glob("*.json")):
        if path.name.startswith("_"):
            continue
        try:
            documents.append(json.loads(path.read_text()))
        except (OSError, ValueError):
            continue
    return documents


def write_summary(directory: Path | None = None) -> Path:
    directory = directory or results_dir()
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / "SUMMARY.md"
    path.write_text("# Benchmark summary\n\n" + summary(load_all(directory)))
    return path


def replace_between_markers(text: str, block: str) -> str:
    """``text`` with everything between the summary markers replaced by ``block``; the markers
    are appended at the end when missing."""
    inner = f"{START_MARKER}\n{block.rstrip()}\n{END_MARKER}"
    start = text.find(START_MARKER)
    end = text.find(END_MARKER)
    if start == -1 or end == -1 or end < start:
        return text.rstrip("\n") + "\n\n" + inner + "\n"
    return text[:start] + inner + text[end + len(END_MARKER) :]


def update_readme(readme: Path, directory: Path | None = None) -> None:
    block = summary(load_all(directory))
    # headings one level lower inside the README's section
    block = block.replace("\n### ", "\n#### ")
    if block.startswith("### "):
        block = "#" + block
    readme.write_text(replace_between_markers(readme.read_text(), block))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Write bench/results/SUMMARY.md")
    parser.add_argument("--readme", type=Path, help="also copy the summary into this README")
    arguments = parser.parse_args(argv)
    path = write_summary()
    print(f"summary: {path}")
    if arguments.readme:
        update_readme(arguments.readme)
        print(f"README updated: {arguments.readme}")


if __name__ == "__main__":
    main(sys.argv[1:])
