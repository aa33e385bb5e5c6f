"""A timer that polls less while it finds nothing to do.

``@idle_timer(interval=1, idle_interval=8)`` fires every ``interval`` seconds while the method
returns a true value (it found work: a backlog goes on at the full pace), and after each pass
that found nothing waits twice as long, up to ``idle_interval``. ``wake(service, method)`` —
called by whatever just created work in the same process (an RPC that queued a job) — brings the
next pass forward at once and the pace back to ``interval``. Work created elsewhere (another
replica, a crash's leftovers) is still found, at most ``idle_interval`` seconds late.
"""

from __future__ import annotations

import threading
import weakref
from typing import Any

from eventlet.event import Event
from nameko.extensions import Entrypoint

_TIMERS: weakref.WeakSet[IdleTimer] = weakref.WeakSet()


def next_wait(
    wait: float, interval: float, idle_interval: float, kicked: bool, busy: bool
) -> float:
    """The wait before the next pass: ``interval`` after a wake-up or a pass that found work,
    else twice the last wait, at most ``idle_interval``."""
    if kicked or busy:
        return interval
    return min(idle_interval, wait * 2)


def wake(service: str, method: str) -> None:
    """Run the idle timer ``method`` of ``service`` (in this process) now."""
    for entry in list(_TIMERS):
        if entry.method_name == method and entry.container.service_name == service:
            entry.wake()


class IdleTimer(Entrypoint):
    def __init__(self, interval: float, idle_interval: float = 8.0, **kwargs: Any) -> None:
        self.interval = interval
        self.idle_interval = max(interval, idle_interval)
        self._wake = threading.Event()
        self._stopping = False
        self._done: Event | None = None
        self._busy = False
        self.gt: Any = None
        super().__init__(**kwargs)

    def setup(self) -> None:
        _TIMERS.add(self)

    def start(self) -> None:
        self._stopping = False
        self.gt = self.container.spawn_managed_thread(self._run)

    def stop(self) -> None:
        self._stopping = True
        self._wake.set()
        if self.gt is not None:
            self.gt.wait()

    def kill(self) -> None:
        self._stopping = True
        self._wake.set()
        if self.gt is not None:
            self.gt.kill()

    def wake(self) -> None:
        self._wake.set()

    def _run(self) -> None:
        wait = self.interval
        while not self._stopping:
            kicked = self._wake.wait(wait)
            self._wake.clear()
            if self._stopping:
                break
            self._done = Event()
            self._busy = False
            self.container.spawn_worker(self, (), {}, handle_result=self._handle_result)
            self._done.wait()
            wait = next_wait(wait, self.interval, self.idle_interval, kicked, self._busy)

    def _handle_result(self, worker_ctx: Any, result: Any, exc_info: Any) -> tuple[Any, Any]:
        self._busy = exc_info is None and bool(result)
        if self._done is not None:
            self._done.send()
        return result, exc_info


idle_timer = IdleTimer.decorator
