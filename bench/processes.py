"""CPU seconds (utime + stime) and peak resident memory (VmHWM) of processes, from /proc.

A benchmark takes :func:`sample` of the processes it watches at each stage boundary; the
difference of two samples is the CPU each spent in between (children reaped by a process are
not counted: the platform's processes do not fork workers). The broker (``beam.smp``) is found
by name: on a shared broker its CPU includes every other vhost's traffic.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


@dataclass(frozen=True)
class Usage:
    cpu: float  # seconds, user + system
    hwm_mib: float  # peak resident set (VmHWM), MiB
    rss_mib: float  # resident set now (VmRSS), MiB


def parse_stat(text: str) -> float:
    """CPU seconds (utime + stime) from the text of /proc/<pid>/stat (the command may hold
    spaces and parentheses: fields are counted after the last ")")."""
    fields = text[text.rindex(")") + 2 :].split()
    # after the command: state(3) ... utime is field 14, stime 15 (1-based over the whole line)
    return (int(fields[11]) + int(fields[12])) / TICKS


def parse_status(text: str) -> tuple[float, float]:
    """(VmHWM, VmRSS) in MiB from the text of /proc/<pid>/status."""
    found = {"VmHWM:": 0.0, "VmRSS:": 0.0}
    for line in text.splitlines():
        head = line.split(maxsplit=1)[0] if line else ""
        if head in found:
            found[head] = int(line.split()[1]) / 1024
    return found["VmHWM:"], found["VmRSS:"]


def usage(pid: int) -> Usage | None:
    try:
        cpu = parse_stat(Path(f"/proc/{pid}/stat").read_text())
        hwm, rss = parse_status(Path(f"/proc/{pid}/status").read_text())
    except (OSError, ValueError, IndexError):
        return None
    return Usage(cpu, hwm, rss)


def sample(pids: Mapping[str, int]) -> dict[str, Usage]:
    """Usage of each named process still running."""
    found = {}
    for name, pid in pids.items():
        got = usage(pid)
        if got is not None:
            found[name] = got
    return found


def cpu_delta(before: Mapping[str, Usage], after: Mapping[str, Usage]) -> dict[str, float]:
    """CPU seconds each process spent between two samples."""
    return {name: max(0.0, after[name].cpu - before[name].cpu) for name in after if name in before}


def find_by_name(command: str) -> list[int]:
    """Pids whose /proc/<pid>/comm is ``command`` (e.g. "beam.smp")."""
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if (entry / "comm").read_text().strip() == command:
                pids.append(int(entry.name))
        except OSError:
            continue
    return sorted(pids)


def platform_pids(run_dir: Path, names: list[str]) -> dict[str, int]:
    """Pids of a platform's processes from its pid files (``<run_dir>/<name>.pid``)."""
    pids = {}
    for name in names:
        try:
            pids[name] = int((run_dir / f"{name}.pid").read_text().strip())
        except (OSError, ValueError):
            continue
    return pids


def broker_pid() -> int | None:
    """The RabbitMQ broker's Erlang VM, if it runs on this machine."""
    found = find_by_name("beam.smp")
    return found[0] if found else None


def self_cpu() -> float:
    """CPU seconds of this process (all its threads)."""
    times = os.times()
    return times.user + times.system
