"""CPU seconds used by a process tree (Linux /proc): the work behind a wall time that other load can stretch.

On a machine shared with other jobs, a wall time says as much about the neighbours as about the app; the CPU
time the server and the browser spent on an action does not (much). Reading: one /proc scan per call.
"""

from __future__ import annotations

import os
from pathlib import Path

TICKS = os.sysconf("SC_CLK_TCK")


def _stat(pid: int) -> tuple[int, float] | None:
    """(parent pid, CPU seconds of the process itself), None once it has gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = text[text.rindex(")") + 2 :].split()  # after "pid (name) "
    return int(fields[1]), (int(fields[11]) + int(fields[12])) / TICKS  # ppid; utime + stime


def _command(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def pids_with(text: str) -> list[int]:
    """Processes whose command line contains `text`."""
    return [int(p) for p in os.listdir("/proc") if p.isdigit() and text in _command(int(p))]


class TreeCpu:
    """The CPU seconds of the processes whose command line contains `marker`, and of all their descendants."""

    def __init__(self, marker: str) -> None:
        self.marker = marker

    def seconds(self) -> float:
        """CPU seconds used so far by the tree (processes that have ended no longer count: measure around them)."""
        stats = {int(p): s for p in os.listdir("/proc") if p.isdigit() and (s := _stat(int(p))) is not None}
        roots = set(pids_with(self.marker))
        tree, grown = set(roots), True
        while grown:
            children = {pid for pid, (parent, _) in stats.items() if parent in tree} - tree
            tree |= children
            grown = bool(children)
        return sum(stats[pid][1] for pid in tree if pid in stats)
