"""The issue 16 probes against the gateway's query limits, in process: how long the gateway
spends refusing each one (parse, weigh; never execution), and how long parsing and validating
the same text took without the limits. Prints figures; asserts nothing.

    .venv/bin/python -m bench.gateway_bounds
"""

from __future__ import annotations

import time

from graphql import parse, validate

from gateway.endpoint import QueryCache
from gateway.schema import schema


def probes() -> dict[str, str]:
    stats = " ".join(
        f'a{i}: orgUnit(code: "20") {{ stats(year: 2024) {{ __typename }} }}' for i in range(200)
    )
    fan = ["query{...f0}"]
    fan += [f"fragment f{i} on Query{{...f{i + 1} ...f{i + 1}}}" for i in range(19)]
    fan.append("fragment f19 on Query{__typename}")
    return {
        "200 aliased stats": "{" + stats + "}",
        "6-deep children": '{ orgUnit(code: "20") { '
        + "children { " * 6
        + "name"
        + " }" * 6
        + " } }",
        "1 MB search": '{ orgUnits(search: "' + "a" * 1_000_000 + '") { nodes { name } } }',
        "100,000 __typename (1 MB)": "{" + " __typename" * 100_000 + "}",
        "fragments fanned out 2^20": "".join(fan),
        "one field 300 times": "{" + ' orgUnit(code: "1") { name }' * 300 + "}",
        "subjects(first: 100000)": '{ orgUnit(code: "20") { subjects(year: 2024, first: 100000)'
        " { nodes { name } } } }",
    }


def main() -> None:
    graphql_schema = schema.graphql_schema
    print(f"{'probe':32} {'chars':>9} {'refused in':>11} {'before: parse+validate':>24}  answer")
    for name, text in probes().items():
        started = time.perf_counter()
        prepared = QueryCache().prepared(graphql_schema, text)
        refused = time.perf_counter() - started
        started = time.perf_counter()
        try:
            validate(graphql_schema, parse(text))
            before = f"{time.perf_counter() - started:.3f} s"
        except Exception as error:  # noqa: BLE001 - a figure, whatever failed
            before = f"{time.perf_counter() - started:.3f} s ({type(error).__name__})"
        code = (prepared.errors[0].extensions or {}).get("code") if prepared.errors else None
        verdict = code or ("passes to execution" if prepared.document else "invalid")
        print(f"{name:32} {len(text):9,} {refused:10.3f}s {before:>24}  {verdict}")


if __name__ == "__main__":
    main()
