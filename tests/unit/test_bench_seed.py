"""The pure parts of the read benchmark's seeding: how households are shared out over the
communes, the documents written for each and the figures they must add up to."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bench.seed import (
    STAGES,
    Commune,
    allocate,
    build_batch,
    commune_weights,
    plan,
    stage_of,
)
from khuyenhoc.tenancy import UnitPath
from khuyenhoc.vocabulary import FIGURES
from services.scoring.domain.figures import contributions

NOW = datetime(2024, 11, 30, tzinfo=UTC)
COMMUNE = Commune("06184", UnitPath.parse("20/183/06184"))


def test_weights_are_uneven_and_sum_to_one() -> None:
    weights = commune_weights(194)
    assert sum(weights) == pytest.approx(1.0)
    assert max(weights) > 3 * min(weights)
    assert commune_weights(194) == weights  # deterministic


@pytest.mark.parametrize("households", [0, 1, 193, 100_000, 999_999])
def test_allocation_sums_exactly(households: int) -> None:
    counts = allocate(households, commune_weights(194))
    assert sum(counts) == households
    assert min(counts) >= 0


def test_plan_covers_every_household_once_in_commune_batches() -> None:
    weights = commune_weights(20)
    batches = plan(1_000, 5_000, weights, size=300)
    indexes = [i for first, count, _ in batches for i in range(first, first + count)]
    assert indexes == list(range(1_000, 5_000))
    assert max(count for _, count, _ in batches) <= 300
    places = [place for _, _, place in batches]
    assert places == sorted(places)  # a commune's households are contiguous


def test_stage_shares() -> None:
    draws = [n / 10_000 for n in range(10_000)]
    stages = [stage_of(d) for d in draws]
    for stage, share in STAGES:
        assert stages.count(stage) == pytest.approx(10_000 * share, abs=2)
    assert stages.count("registered") == pytest.approx(10_000 * 0.4, abs=2)


def test_batch_documents_are_what_the_chain_writes_without_events() -> None:
    batch = build_batch(500, 200, COMMUNE, NOW)
    assert len(batch.subjects) == len(batch.enrolments) == len(batch.openings) == 200
    assert len({s["_id"] for s in batch.subjects}) == 200
    for subject, enrolment, change in zip(
        batch.subjects, batch.enrolments, batch.openings, strict=True
    ):
        assert subject["tenant"] == enrolment["tenant"] == "20"
        assert enrolment["subject_id"] == subject["_id"]
        assert enrolment["path_2"] == subject["path_2"] == "06184"
        assert enrolment["status"] == "ENROLLED"
        assert change.document is not None
        assert change.document["_id"] == enrolment["_id"]
        assert change.event is None
        assert "outbox" not in enrolment and "outbox" not in change.document
    assert build_batch(500, 200, COMMUNE, NOW).subjects == batch.subjects  # deterministic


def test_batch_figures_are_the_assessments_contributions() -> None:
    batch = build_batch(0, 500, COMMUNE, NOW)
    expected = dict.fromkeys(FIGURES, 0)
    for change in batch.openings:
        for name, value in contributions(change.after).items():
            expected[name] += value
    figures = batch.figures["06184"]
    assert figures == expected
    assert figures["registered"] == 500
    assert 0 < figures["recognised"] < figures["eligible"] < figures["reviewed"]
    assert figures["reviewed"] < figures["assessed"] < figures["registered"]
    assert figures["recognised"] == figures["recognised_level_1"] + figures["recognised_level_2"]
