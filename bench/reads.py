"""Read benchmark: the pages officers open, with 100,000 and then 1,000,000 households loaded.

On a private platform (``bench.common.running_platform``), households are seeded straight into
the stores (``bench.seed``: the documents the chain writes, counted by scoring's own
``open_many``), then, for each size and at 1, 10 and 50 concurrent clients:

- the province page: the province, its districts and their communes, every title's figures;
- a commune page: the largest commune's figures and its first page of households;
- the household list: ``subjects(year, first: 50, after)`` walking pages of the largest
  commune, and the same with ``search``.

Reported per page: requests, p50/p95/p99 (ms), throughput and the service calls (RPCs handled
by registration, scoring, fund and notification, from their Prometheus metrics) per request.
The same queries at every size, so the sizes compare. Prints figures; asserts nothing.

    .venv/bin/python -m bench.reads [--sizes 100000,1000000] [--clients 1,10,50]
        [--seconds 15] [--name reads]
"""

from __future__ import annotations

import argparse
import re
import threading
import time
import urllib.request
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from importlib import import_module
from typing import Any

from bench.common import Client, percentile, running_platform
from bench.seed import YEAR, Seeded, check_figures, seeder_for
from khuyenhoc.vocabulary import TITLES
from ops.platform import SERVICES, Platform

FIGURES_FIELDS = (
    "registered assessed reviewed eligible recognised recognisedLevel1 recognisedLevel2 "
    "recognisedLevel3 recognitionRate"
)
ALL_TITLES = " ".join(
    f"{t.lower()}: title(title: {t}) {{ ...Figures }}" for t in TITLES
)  # every title's figures of one unit
FRAGMENT = f"fragment Figures on TitleStats {{ {FIGURES_FIELDS} }}"
PROVINCE_PAGE = f"""query($year: Int!) {{ orgUnit(code: "20") {{ code name
  stats(year: $year) {{ {ALL_TITLES} }}
  children {{ code name stats(year: $year) {{ {ALL_TITLES} }}
    children {{ code name stats(year: $year) {{ {ALL_TITLES} }} }} }} }} }}
{FRAGMENT}"""
COMMUNE_PAGE = f"""query($code: String!, $year: Int!) {{ orgUnit(code: $code) {{ code name
  stats(year: $year) {{ {ALL_TITLES} }}
  subjects(year: $year, first: 50) {{ nodes {{ enrolmentId subjectId name kind status }}
    pageInfo {{ hasNextPage endCursor }} }} }} }}
{FRAGMENT}"""
LIST_PAGE = """query($code: String!, $year: Int!, $after: String, $search: String) {
  orgUnit(code: $code) { subjects(year: $year, first: 50, after: $after, search: $search) {
    nodes { enrolmentId subjectId name kind status } pageInfo { hasNextPage endCursor } } } }"""
LIST_WALK = 5  # pages a client walks before starting again from the first
SEARCH = "Nguyễn Văn"
RPC_SERVICES = [p for p in SERVICES if p.name != "gateway"]
COUNT_LINE = re.compile(r"^khuyenhoc_handler_seconds_count\{(?P<labels>[^}]*)\} (?P<value>\S+)$")
LABEL = re.compile(r'(\w+)="([^"]*)"')


def rpc_names() -> dict[str, set[str]]:
    """The RPC entrypoints of every service, by service name (from the classes' nameko
    entrypoints), so timers and event handlers running meanwhile are not counted."""
    from nameko.rpc import Rpc  # noqa: PLC0415 - only here, nameko is heavy to import

    names: dict[str, set[str]] = {}
    for process in RPC_SERVICES:
        module, cls_name = process.target.split(":")
        cls = getattr(import_module(module), cls_name)
        names[process.name] = {
            name
            for name in dir(cls)
            if any(isinstance(e, Rpc) for e in _entrypoints(getattr(cls, name)))
        }
    return names


def _entrypoints(attribute: Any) -> set[Any]:
    return set(getattr(attribute, "nameko_entrypoints", ()) or ())


def handled(metrics_text: str, service: str, rpcs: set[str]) -> int:
    """RPCs a service has handled so far, from its ``/metrics`` text."""
    total = 0.0
    for line in metrics_text.splitlines():
        found = COUNT_LINE.match(line)
        if not found:
            continue
        labels = dict(LABEL.findall(found["labels"]))
        if labels.get("service") == service and labels.get("entrypoint") in rpcs:
            total += float(found["value"])
    return int(total)


class RpcCounter:
    """Service calls handled by the platform's services (registration, scoring, fund,
    notification), read from their metrics."""

    def __init__(self, platform: Platform) -> None:
        self.platform = platform
        self.rpcs = rpc_names()

    def total(self) -> int:
        calls = 0
        for process in RPC_SERVICES:
            url = self.platform.url(process, "/metrics")
            with urllib.request.urlopen(url, timeout=30) as response:
                text = response.read().decode("utf-8")
            calls += handled(text, process.name, self.rpcs[process.name])
        return calls


@dataclass
class Measured:
    page: str
    size: int
    clients: int
    latencies: list[float]  # seconds, of the requests answered
    seconds: float
    rpcs: int
    errors: int = 0  # requests that failed (an error answer or no answer)

    def figures(self) -> dict[str, Any]:
        count = len(self.latencies)
        return {
            "page": self.page,
            "households": self.size,
            "clients": self.clients,
            "requests": count,
            "p50_ms": round(percentile(self.latencies, 0.50) * 1000, 1) if count else None,
            "p95_ms": round(percentile(self.latencies, 0.95) * 1000, 1) if count else None,
            "p99_ms": round(percentile(self.latencies, 0.99) * 1000, 1) if count else None,
            "per_second": round(count / self.seconds, 2),
            "rpcs_per_request": round(self.rpcs / count, 1) if count else None,
            "errors": self.errors,
        }

    def latency(self) -> str:
        """p50 / p95 / p99 in ms, or that no request was answered."""
        f = self.figures()
        if not f["requests"]:
            return "no request answered"
        return f"p50 {f['p50_ms']:.0f} / p95 {f['p95_ms']:.0f} / p99 {f['p99_ms']:.0f} ms"

    def line(self) -> str:
        f = self.figures()
        return (
            f"{self.page:<14} {self.size:>9,} households {self.clients:>3} clients: "
            f"{f['requests']:>5} requests, {self.latency()}, {f['per_second']:>7.2f}/s, "
            f"{f['rpcs_per_request']} service calls per request"
            + (f", {self.errors} FAILED" if self.errors else "")
        )


Page = Callable[[int], None]  # one request; the argument counts the client's requests


def pages(client: Client, commune: str) -> dict[str, Page]:
    """The pages measured, each a function making one request."""

    def province(_: int) -> None:
        client(PROVINCE_PAGE, {"year": YEAR})

    def commune_page(_: int) -> None:
        client(COMMUNE_PAGE, {"code": commune, "year": YEAR})

    def walker(search: str | None) -> Page:
        cursors: dict[int, str | None] = {}
        lock = threading.Lock()

        def page(n: int) -> None:
            key = threading.get_ident()
            with lock:
                after = None if n % LIST_WALK == 0 else cursors.get(key)
            found = client(
                LIST_PAGE, {"code": commune, "year": YEAR, "after": after, "search": search}
            )
            with lock:
                info = found["orgUnit"]["subjects"]["pageInfo"]
                cursors[key] = info["endCursor"] if info["hasNextPage"] else None

        return page

    return {
        "province_page": province,
        "commune_page": commune_page,
        "household_list": walker(None),
        "list_search": walker(SEARCH),
    }


def measure(
    page: Page, clients: int, seconds: float, counter: RpcCounter, name: str, size: int
) -> Measured:
    """``clients`` threads each repeating ``page`` for ``seconds`` (at least once each)."""
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds

    def client_loop() -> None:
        nonlocal errors
        n = 0
        while n == 0 or time.perf_counter() < deadline:
            t0 = time.perf_counter()
            try:
                page(n)
            except Exception:  # counted, not raised: one timeout must not lose the run
                with lock:
                    errors += 1
            else:
                spent = time.perf_counter() - t0
                with lock:
                    latencies.append(spent)
            n += 1

    before = counter.total()
    began = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        for future in [pool.submit(client_loop) for _ in range(clients)]:
            future.result()
    spent = time.perf_counter() - began
    rpcs = counter.total() - before
    return Measured(name, size, clients, latencies, spent, rpcs, errors)


def largest_commune(seeded: Seeded) -> str:
    return max(seeded.figures.items(), key=lambda kv: kv[1]["registered"])[0]


def save_results(name: str, rows: list[Measured], notes: dict[str, Any]) -> None:
    figures = {"runs": [m.figures() for m in rows], **notes}
    table = [
        (
            f"{m.page}, {m.size:,} households, {m.clients} clients",
            m.latency(),
            f"{m.figures()['rpcs_per_request']} service calls/request, "
            f"{m.figures()['requests']} requests" + (f", {m.errors} failed" if m.errors else ""),
        )
        for m in rows
    ]
    write_results(name, figures, table, "Reads: province page, commune page, household list")


def write_results(
    name: str, figures: dict[str, Any], table: Sequence[tuple[str, str, str]], title: str
) -> None:
    """Through ``bench.results`` (the suite's writer) when present, else a plain JSON file."""
    try:
        results = import_module("bench.results")
        save = results.save  # without bench/results.py, bench.results is only the folder
    except (ImportError, AttributeError):
        import json  # noqa: PLC0415 - only without bench.results
        from pathlib import Path  # noqa: PLC0415 - only without bench.results

        out = Path(__file__).resolve().parent / "results"
        out.mkdir(exist_ok=True)
        path = out / f"{name}.json"
        data = {**figures, "table": [list(r) for r in table]}
        path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    else:
        path = save(name, figures, list(table), title=title)
    print(f"saved {path}")


def run(sizes: list[int], clients: list[int], seconds: float, name: str, batch: int) -> None:
    rows: list[Measured] = []
    notes: dict[str, Any] = {"year": YEAR, "sizes": sizes, "clients": clients}
    with running_platform() as (platform, admin):
        seeder = seeder_for(platform.settings(), admin)
        counter = RpcCounter(platform)
        seeded_so_far = 0
        for size in sizes:
            seeded = seeder.seed(size, start=seeded_so_far, batch=batch)
            notes[f"seed_{size}_per_second"] = round((size - seeded_so_far) / seeded.seconds, 1)
            seeded_so_far = size
            wrong = check_figures(admin, seeded)
            print("figures exact" if not wrong else "WRONG FIGURES:\n  " + "\n  ".join(wrong))
            notes[f"figures_exact_{size}"] = not wrong
            commune = largest_commune(seeded)
            notes[f"commune_{size}"] = {
                "code": commune,
                "households": seeded.figures[commune]["registered"],
            }
            print(f"largest commune {commune}: {seeded.figures[commune]['registered']:,}")
            for page_name, page in pages(admin, commune).items():
                page(0)  # warm: the first request of a kind parses and caches
                for n in clients:
                    measured = measure(page, n, seconds, counter, page_name, size)
                    rows.append(measured)
                    print(measured.line(), flush=True)
                    save_results(name, rows, notes)  # as it goes: a late failure keeps the rest


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument("--clients", default="1,10,50")
    parser.add_argument("--seconds", type=float, default=15.0, help="per page and concurrency")
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--name", default="reads")
    args = parser.parse_args()
    run(
        [int(s) for s in args.sizes.split(",")],
        [int(c) for c in args.clients.split(",")],
        args.seconds,
        args.name,
        args.batch,
    )


if __name__ == "__main__":
    main()
