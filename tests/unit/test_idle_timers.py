"""The idle timer (khuyenhoc/timers.py) and the outbox relay's pace: full pace while there is
work, fewer and fewer polls while there is none, back to full pace at a wake-up."""

import eventlet
from nameko.containers import ServiceContainer

from khuyenhoc.timers import idle_timer, next_wait, wake


def test_the_wait_doubles_while_idle_up_to_the_idle_interval():
    waits = [1.0]
    for _ in range(5):
        waits.append(next_wait(waits[-1], 1.0, 8.0, kicked=False, busy=False))
    assert waits == [1.0, 2.0, 4.0, 8.0, 8.0, 8.0]


def test_work_or_a_wake_up_brings_the_full_pace_back():
    assert next_wait(8.0, 1.0, 8.0, kicked=False, busy=True) == 1.0
    assert next_wait(8.0, 1.0, 8.0, kicked=True, busy=False) == 1.0


class Ticker:
    name = "ticker"
    passes: list[bool] = []
    work: list[bool] = []  # what the next passes find

    @idle_timer(interval=0.01, idle_interval=60)
    def tick(self) -> bool:
        found = self.work.pop(0) if self.work else False
        Ticker.passes.append(found)
        return found


class Sleeper:
    name = "sleeper"
    passes: list[bool] = []

    @idle_timer(interval=30, idle_interval=60)
    def tick(self) -> bool:
        Sleeper.passes.append(True)
        return False


def started(service: type) -> ServiceContainer:
    container = ServiceContainer(service, {})
    container.start()
    return container


def wait_until(check, seconds: float = 10.0) -> bool:
    for _ in range(int(seconds / 0.01)):
        if check():
            return True
        eventlet.sleep(0.01)
    return check()


def test_an_idle_timer_keeps_pace_with_work_then_backs_off():
    Ticker.passes, Ticker.work = [], [True, True, True]
    container = started(Ticker)
    try:
        assert wait_until(lambda: len(Ticker.passes) >= 4)
        assert Ticker.passes[:4] == [True, True, True, False]
        eventlet.sleep(1.0)
        # a plain 0.01 s timer would have fired ~100 times; backing off: 0.02, 0.04 ... 0.64
        assert len(Ticker.passes) <= 11
    finally:
        container.stop()


def test_a_wake_up_runs_the_timer_at_once():
    Sleeper.passes = []
    container = started(Sleeper)
    try:
        wake("sleeper", "tick")
        assert wait_until(lambda: Sleeper.passes == [True])  # not 30 s later
        wake("ticker", "tick")  # another service's timer: nothing here
        eventlet.sleep(0.1)
        assert Sleeper.passes == [True]
    finally:
        container.stop()


def test_a_stopped_idle_timer_fires_no_more():
    Ticker.passes, Ticker.work = [], []
    container = started(Ticker)
    container.stop()
    seen = len(Ticker.passes)
    eventlet.sleep(0.1)
    assert len(Ticker.passes) == seen
