"""The long chaos run (``make chaos``): every fault, each in its own scenario mid-wave, on a
platform whose broker is a private node (restarted by one scenario), with a bigger wave."""

import os

import pytest

from tests.chaos.scenarios import FAULTS, run

pytestmark = [pytest.mark.chaos, pytest.mark.chaos_long]

HOUSEHOLDS = int(os.environ.get("CHAOS_HOUSEHOLDS", "20"))
DONATIONS = int(os.environ.get("CHAOS_DONATIONS", "20"))


@pytest.mark.parametrize(("number", "fault"), list(enumerate(FAULTS, start=11)))
def test_a_wave_survives(long_stage, number, fault):
    outcome = run(long_stage, fault, number, households=HOUSEHOLDS, donations=DONATIONS)
    assert outcome.clean, outcome.explain()
