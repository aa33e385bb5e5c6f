"""Province report benchmark: the five-year review of a province with ~200 communes and
100,000 households, as data (GraphQL ``report``) and as files (xlsx and PDF).

On a private platform (``bench.common.running_platform``) with Lạng Sơn loaded (194 communes,
11 former districts): households are seeded straight into the stores (``bench.seed``, year
2024), every commune's denominators are entered through ``setDenominators``, then the report
of the province (its 11 former districts below), of the former district of its largest
commune (its communes below) and of that commune over 2020–2024 is
asked ``--repeat`` times each, through GraphQL and as ``/files/reports/...`` downloads. The
figures of the province's report are checked against what was seeded (registered and
recognised families of 2024, households entered). Prints figures; asserts nothing about speed.

    .venv/bin/python -m bench.report_province [--households 100000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import time
import urllib.request
from typing import Any

from bench.common import Client, running_platform
from bench.results import save
from bench.seed import YEAR, Seeded, seeder_for

FROM_YEAR = YEAR - 4
REPORT = """query($code: String!, $from: Int!, $to: Int!) {
  report(unitCode: $code, fromYear: $from, toYear: $to) {
    unit { code name } population households branchesTotal members membersShareOfPopulation
    titles { title year registered recognised recognisedLevel1 recognisedLevel2 }
    communityRatings { year level }
    awards { count amount } fund { donationsTotal disbursedTotal balance }
    progress { numerator denominator share met target { code share } }
    children { code name households }
  } }"""
SET_DENOMINATORS = """mutation($input: SetDenominatorsInput!) {
  setDenominators(input: $input) { __typename } }"""
HOUSEHOLDS_PER_REGISTERED = 3  # a commune's households: three times its registered families


def enter_denominators(admin: Client, seeded: Seeded) -> int:
    """Every seeded commune's households and population for the report's last year; returns
    the province's households (their sum)."""
    total = 0
    for code, figures in seeded.figures.items():
        households = figures["registered"] * HOUSEHOLDS_PER_REGISTERED
        total += households
        admin(
            SET_DENOMINATORS,
            {
                "input": {
                    "unitCode": code,
                    "year": YEAR,
                    "households": households,
                    "population": households * 4,
                    "source": "Số liệu thống kê của UBND xã (benchmark)",
                    "asOf": f"{YEAR}-12-31",
                }
            },
        )
    return total


def download(client: Client, path: str) -> tuple[float, int]:
    """Seconds and bytes of one file download."""
    url = client.url.rsplit("/graphql", 1)[0] + path
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {client.token}"})
    began = time.perf_counter()
    with urllib.request.urlopen(request, timeout=600) as response:
        body = response.read()
    return time.perf_counter() - began, len(body)


def timed(call: Any, repeat: int) -> list[float]:
    spent = []
    for _ in range(repeat):
        began = time.perf_counter()
        call()
        spent.append(time.perf_counter() - began)
    return spent


def check(report: dict[str, Any], seeded: Seeded, households: int) -> list[str]:
    wrong = []
    family = next(
        row for row in report["titles"] if row["title"] == "FAMILY" and row["year"] == YEAR
    )
    expected = seeded.province()
    for ours, theirs in (("registered", "registered"), ("recognised", "recognised")):
        if family[ours] != expected[theirs]:
            wrong.append(f"FAMILY {ours}: {family[ours]} != {expected[theirs]}")
    if report["households"] != households:
        wrong.append(f"households: {report['households']} != {households}")
    children = sum(child["households"] or 0 for child in report["children"])
    if children != households:
        wrong.append(f"children's households: {children} != {households}")
    return wrong


def run(households: int, repeat: int, name: str) -> None:
    figures: dict[str, Any] = {"households": households, "from_year": FROM_YEAR, "to_year": YEAR}
    rows = []
    with running_platform() as (platform, admin):
        seeder = seeder_for(platform.settings(), admin)
        seeded = seeder.seed(households)
        began = time.perf_counter()
        entered = enter_denominators(admin, seeded)
        spent = time.perf_counter() - began
        print(f"denominators of {len(seeded.figures)} communes entered in {spent:.1f}s")
        largest = max(seeded.figures, key=lambda code: seeded.figures[code]["registered"])
        variables = {"code": "20", "from": FROM_YEAR, "to": YEAR}
        report = admin(REPORT, variables)["report"]
        wrong = check(report, seeded, entered)
        print("report exact" if not wrong else "WRONG REPORT:\n  " + "\n  ".join(wrong))
        figures["report_exact"] = not wrong
        figures["children"] = len(report["children"])
        district = next(c.path.codes[1] for c in seeder.communes if c.code == largest)
        for unit in ("20", district, largest):
            asked = {**variables, "code": unit}
            query = timed(lambda asked=asked: admin(REPORT, asked), repeat)
            files = {}
            for kind in ("xlsx", "pdf"):
                path = f"/files/reports/{unit}/{FROM_YEAR}-{YEAR}.{kind}"
                results = [download(admin, path) for _ in range(repeat)]
                files[kind] = (min(r[0] for r in results), results[-1][1])
            label = {"20": "province", district: f"former district {unit}"}.get(
                unit, f"commune {unit}"
            )
            figures[label] = {
                "query_seconds_best": round(min(query), 3),
                "query_seconds_first": round(query[0], 3),
                **{f"{k}_seconds_best": round(v[0], 3) for k, v in files.items()},
                **{f"{k}_bytes": v[1] for k, v in files.items()},
            }
            print(f"{label}: {figures[label]}", flush=True)
            rows += [
                (f"{label} report {FROM_YEAR}–{YEAR}, GraphQL", f"{min(query):.2f} s", ""),
                (f"{label} report, xlsx", f"{files['xlsx'][0]:.2f} s", f"{files['xlsx'][1]:,} B"),
                (f"{label} report, PDF", f"{files['pdf'][0]:.2f} s", f"{files['pdf'][1]:,} B"),
            ]
    save(name, figures, rows, title=f"Five-year report, {households:,} households")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--households", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--name", default="report_province")
    args = parser.parse_args()
    run(args.households, args.repeat, args.name)


if __name__ == "__main__":
    main()
