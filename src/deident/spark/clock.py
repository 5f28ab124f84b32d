"""Where the time of a spark-scan run went, for sizing executors and for the benchmark."""

from __future__ import annotations

import time


class Clock:
    """The phases of a run on the driver (plan: check, list, skip what is done; scan and
    findings: the job that scans and writes OUTPUT/findings; files; summary), and from the
    scanning tasks themselves: `scan span` (first file started to last file done, every task)
    and `scan busy` (seconds inside scanning tasks, summed over tasks); `scan start` and `scan
    tail` are what the scanning job adds before its first file and after its last."""

    def __init__(self) -> None:
        self._last = time.perf_counter()
        self.seconds: dict[str, float] = {}
        self._ended: dict[str, float] = {}  # phase -> when it ended, seconds since the epoch

    def lap(self, phase: str) -> None:
        now = time.perf_counter()
        self.seconds[phase] = round(self.seconds.get(phase, 0.0) + now - self._last, 3)
        self._last = now
        self._ended[phase] = time.time()

    def scan(self, span: tuple[float, float, float, int]) -> None:
        first, last, busy, files = span
        if files:
            self.seconds["scan span"] = round(last - first, 3)
            self.seconds["scan busy"] = round(busy, 3)
            # The scanning job's own fixed cost: submitted to first file started, last file done
            # to OUTPUT/findings committed.
            if "plan" in self._ended and "scan and findings" in self._ended:
                self.seconds["scan start"] = round(first - self._ended["plan"], 3)
                self.seconds["scan tail"] = round(self._ended["scan and findings"] - last, 3)
