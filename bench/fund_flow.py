"""Benchmark of the fund, on a private copy of the platform (own ports, own nx-27017, own
RabbitMQ virtual host): donations through GraphQL (sequential and concurrent on one fund), the
approvals, and how long the public statement takes to render. Seeds commune 06184's year 2024
and saves its public statement (.xlsx, .pdf and a text summary). Prints figures; asserts nothing.

    .venv/bin/python -m bench.fund_flow [--donations 300] [--concurrent 8] [--out DIR]
"""

from __future__ import annotations

import argparse
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from pathlib import Path

from bench.common import percentile, running_platform
from khuyenhoc.auth import Role
from services.fund.messages import format_dong

DONATE = """mutation($input: DonationInput!) { recordDonation(input: $input) {
  donation { receiptNumber } } }"""
PROPOSE = """mutation($input: DisbursementProposalInput!) { proposeDisbursement(input: $input) {
  id } }"""
APPROVE = """mutation($input: DisbursementApprovalInput!) { approveDisbursement(input: $input) {
  status } }"""
PUBLIC = """query { publicFundStatement(unitCode: "06184", from: "2024-01-01", to: "2024-12-31") {
  unitName opening totalIn totalOut closing threshold xlsxUrl pdfUrl
  moneyIn { label amount count } moneyOut { label amount count }
  donors { name amount } awards { label count amount beneficiaries { name grade amount } } } }"""
DONORS = ("Công ty TNHH Hồng Phát", "Ông Nguyễn Văn Hảo", "Bà Trần Thị Mai", "Dòng họ Hoàng")
STUDENTS = ("Đặng Thị Ánh", "Nguyễn Văn An", "Lý Thị Hoa", "Hoàng Minh Đức", "Vi Văn Sơn")


def download(base: str, path: str) -> tuple[bytes, float]:
    t0 = time.perf_counter()
    with urllib.request.urlopen(base + path, timeout=60) as response:
        return response.read(), time.perf_counter() - t0


def p(values: list[float], share: float) -> float:
    """A percentile in milliseconds."""
    return percentile(values, share) * 1000


def gift(i: int, key: str) -> dict:
    day = date(2024, 1, 1) + timedelta(days=(i * 7) % 320)
    return {
        "unitCode": "06184",
        "idempotencyKey": key,
        "donor": {"name": DONORS[i % len(DONORS)], "anonymous": i % 4 == 2},
        "amount": str(100_000 * (1 + i % 50)),
        "channel": ("CASH", "BANK_TRANSFER", "VIETQR")[i % 3],
        "receivedOn": day.isoformat(),
    }


def run(donations: int, concurrent: int, out: Path) -> None:
    with running_platform() as (platform, admin):
        officer = admin.acting_as(Role.COMMUNE_OFFICER, "20", "06184")
        chair = admin.acting_as(Role.AUTHORITY, "20", "06184")
        base = platform.url(platform.gateway, "")
        latencies = []
        began = time.perf_counter()
        for i in range(donations):
            t0 = time.perf_counter()
            officer(DONATE, {"input": gift(i, f"bench-seq-{i:06d}")})
            latencies.append(time.perf_counter() - t0)
        sent = time.perf_counter() - began
        print(
            f"recordDonation via GraphQL, {donations} sequential on one fund: "
            f"{donations / sent:.0f}/s, p50 {p(latencies, 0.5):.1f} ms, "
            f"p95 {p(latencies, 0.95):.1f} ms"
        )
        total = donations
        with ThreadPoolExecutor(concurrent) as pool:
            began = time.perf_counter()
            answers = list(
                pool.map(
                    lambda i: officer(DONATE, {"input": gift(i, f"bench-par-{i:06d}")}),
                    range(donations, 2 * donations),
                )
            )
            spent = time.perf_counter() - began
        total += donations
        numbers = sorted(
            int(a["recordDonation"]["donation"]["receiptNumber"].rsplit("-", 1)[1]) for a in answers
        )
        print(
            f"recordDonation via GraphQL, {donations} from {concurrent} clients on one fund: "
            f"{donations / spent:.0f}/s; receipt numbers {numbers[0]}..{numbers[-1]}, "
            f"gap-free: {numbers == list(range(numbers[0], numbers[0] + donations))}"
        )
        awards = []
        for k in range(25):
            proposal = {
                "unitCode": "06184",
                "amount": str(500_000 + 100_000 * (k % 5)),
                "purpose": ("AWARD", "SCHOLARSHIP", "UNIVERSITY_PRIZE")[k % 3],
                "beneficiary": {
                    "kind": "STUDENT",
                    "name": STUDENTS[k % len(STUDENTS)],
                    "school": "Trường THCS Đồng Đăng",
                    "grade": str(6 + k % 4),
                    "achievement": "Học sinh giỏi",
                },
            }
            ident = officer(PROPOSE, {"input": proposal})
            approval = {
                "disbursementId": ident["proposeDisbursement"]["id"],
                "paidOn": f"2024-12-{10 + k // 2:02d}",  # in order: after the last
            }
            t0 = time.perf_counter()
            chair(APPROVE, {"input": approval})
            awards.append(time.perf_counter() - t0)
        print(f"approveDisbursement: p50 {p(awards, 0.5):.1f} ms over {len(awards)}")
        renders = []
        for _ in range(10):
            t0 = time.perf_counter()
            statement = admin.public()(PUBLIC)["publicFundStatement"]
            renders.append(time.perf_counter() - t0)
        xlsx, xlsx_time = download(base, statement["xlsxUrl"])
        pdf, pdf_time = download(base, statement["pdfUrl"])
        print(
            f"public statement of a year ({total} donations, {len(awards)} awards): "
            f"GraphQL p50 {p(renders, 0.5):.0f} ms; .xlsx {xlsx_time * 1000:.0f} ms "
            f"({len(xlsx) // 1024} KB); PDF {pdf_time * 1000:.0f} ms ({len(pdf) // 1024} KB)"
        )
        save(out, statement, xlsx, pdf)


def save(out: Path, st: dict, xlsx: bytes, pdf: bytes) -> None:
    out.mkdir(parents=True, exist_ok=True)
    (out / "cong-khai-06184-2024.xlsx").write_bytes(xlsx)
    (out / "cong-khai-06184-2024.pdf").write_bytes(pdf)
    lines = [
        f"CÔNG KHAI QUỸ KHUYẾN HỌC – {st['unitName']} (01/01/2024 – 31/12/2024)",
        f"Số dư đầu kỳ: {format_dong(int(st['opening']))} đồng",
        *(
            f"  Thu – {li['label']}: {format_dong(int(li['amount']))} đồng ({li['count']} lượt)"
            for li in st["moneyIn"]
            if li["count"]
        ),
        *(
            f"  Chi – {li['label']}: {format_dong(int(li['amount']))} đồng ({li['count']} lượt)"
            for li in st["moneyOut"]
            if li["count"]
        ),
        f"Tổng thu {format_dong(int(st['totalIn']))} · tổng chi {format_dong(int(st['totalOut']))}",
        f"Số dư cuối kỳ: {format_dong(int(st['closing']))} đồng",
        f"Nhà hảo tâm từ {format_dong(int(st['threshold']))} đồng: {len(st['donors'])} người, "
        f"lớn nhất {st['donors'][0]['name']} {format_dong(int(st['donors'][0]['amount']))} đồng"
        if st["donors"]
        else "Nhà hảo tâm: (không có)",
        *(
            f"{a['label']}: {a['count']} lượt, {format_dong(int(a['amount']))} đồng; "
            f"ví dụ {a['beneficiaries'][0]['name']}"
            for a in st["awards"]
        ),
    ]
    (out / "cong-khai-06184-2024.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"saved {out}/cong-khai-06184-2024.{{xlsx,pdf,txt}}")
    print("\n".join(lines))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--donations", type=int, default=300)
    parser.add_argument("--concurrent", type=int, default=8)
    parser.add_argument("--out", type=Path, default=Path(".run/fund-bench"))
    args = parser.parse_args()
    run(args.donations, args.concurrent, args.out)
