"""The short chaos run inside ``make test``: a small wave, a few faults (see test_long for all)."""

import pytest

from tests.chaos.scenarios import run

pytestmark = pytest.mark.chaos


@pytest.mark.parametrize(
    ("number", "fault"),
    [(1, "kill -9 notification"), (2, "events twice, shuffled"), (3, "poison among events")],
)
def test_a_small_wave_survives(short_stage, number, fault):
    outcome = run(short_stage, fault, number, households=4, donations=4)
    assert outcome.clean, outcome.explain()
