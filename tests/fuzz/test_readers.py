"""Every reader fuzzed with mutated real files: bit flips, truncation, inserted bytes, and for
packages a deleted or corrupted member. Each case runs under a time limit; none may crash, hang
or come back clean-by-accident from a reader bug: a malformed input is scanned, or blocked with
a reason (never ``internal error``, which means a reader let an exception through).

The default run tries a few cases per reader; `pytest -m slow tests/fuzz` runs many more
(DEIDENT_FUZZ_EXAMPLES sets the number).
"""

from __future__ import annotations

import os
import signal
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.fuzz.seeds import ZIP_SUFFIXES, reader_of, rezip, seeds, zip_members

from deident.api import policy_for
from deident.config import ScanConfig
from deident.model import Status
from deident.pipeline import mask_path, scan_path

CFG = ScanConfig()
POLICY = policy_for("gov")
CASE_LIMIT_S = 90  # LibreOffice conversions of the legacy seeds take seconds
SEEDS = seeds()
NAMES = sorted(SEEDS)


class Hang(Exception):
    pass


@contextmanager
def time_limit(seconds: int) -> Iterator[None]:
    def fire(signum: int, frame: object) -> None:
        raise Hang(f"no verdict within {seconds} s")

    old = signal.signal(signal.SIGALRM, fire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


@st.composite
def mutations(draw: st.DrawFn, data: bytes, zipped: bool) -> tuple[str, bytes]:
    kinds = ["flip", "truncate", "insert"] + (["drop member", "corrupt member"] if zipped else [])
    kind = draw(st.sampled_from(kinds))
    n = len(data)
    if kind == "flip":
        flips = draw(
            st.lists(st.tuples(st.integers(0, max(n - 1, 0)), st.integers(0, 7)), min_size=1, max_size=16)
        )
        out = bytearray(data)
        for pos, bit in flips:
            if out:
                out[pos] ^= 1 << bit
        return kind, bytes(out)
    if kind == "truncate":
        return kind, data[: draw(st.integers(0, max(n - 1, 0)))]
    if kind == "insert":
        pos = draw(st.integers(0, n))
        junk = draw(st.binary(min_size=1, max_size=64))
        return kind, data[:pos] + junk + data[pos:]
    members = zip_members(data)
    member = draw(st.sampled_from(members))
    if kind == "drop member":
        return f"{kind} {member}", rezip(data, drop=member)
    body = draw(st.binary(max_size=256))
    return f"{kind} {member}", rezip(data, corrupt=(member, body))


def _tally(name: str, kind: str, outcome: str) -> None:
    """With DEIDENT_FUZZ_TALLY=FILE, one line per case (reader, mutation, outcome) for counting."""
    out = os.environ.get("DEIDENT_FUZZ_TALLY")
    if out:
        with open(out, "a", encoding="utf-8") as fh:
            fh.write(f"{reader_of(name)}\t{kind.split(' ')[0]}\t{outcome}\n")


def check(name: str, data: bytes, kind: str = "seed") -> None:
    """Scan the case; where it has findings, mask it too (the writers meet malformed input
    only then). Either writes, or blocks with a reason that is not a reader's exception."""
    with tempfile.TemporaryDirectory(prefix="deident-fuzz-") as d:
        p = Path(d, name)
        p.write_bytes(data)
        with time_limit(CASE_LIMIT_S):
            r = scan_path(p, CFG, display_path=name)
            _tally(name, kind, f"{r.status.value}: {r.reason}" if r.reason else r.status.value)
            if r.status is Status.BLOCKED:
                assert r.reason and r.reason != "internal error", (r.reason, r.detail)
            elif r.status is Status.FINDINGS:
                m = mask_path(p, Path(d, "out", name), CFG, POLICY, display_path=name)
                if m.output is None:
                    why = m.report.reason or ""
                    assert why and "internal error" not in why, (why, m.report.detail)


def _run(name: str, examples: int) -> None:
    seed = SEEDS[name]
    zipped = reader_of(name) in ZIP_SUFFIXES

    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        # The same cases on every run (a CI failure can be replayed); DEIDENT_FUZZ_RANDOM=1
        # explores new ones.
        derandomize=not os.environ.get("DEIDENT_FUZZ_RANDOM"),
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(mutations(seed, zipped))
    def case(m: tuple[str, bytes]) -> None:
        check(name, m[1], m[0])

    case()


def _examples(name: str, default: int) -> int:
    slow_readers = (".rtf", ".png", ".jpg", ".pdf")
    n = int(os.environ.get("DEIDENT_FUZZ_EXAMPLES", default))
    return (
        max(1, n // 4) if reader_of(name) in slow_readers and "DEIDENT_FUZZ_EXAMPLES" not in os.environ else n
    )


@pytest.mark.parametrize("name", NAMES)
def test_unmutated_seed_is_read(name: str) -> None:
    check(name, SEEDS[name])


@pytest.mark.parametrize("name", NAMES)
def test_mutated_files_are_read_or_blocked_with_a_reason(
    name: str, capfd: pytest.CaptureFixture[str]
) -> None:
    _run(name, _examples(name, 6))
    assert "Traceback" not in capfd.readouterr().err


@pytest.mark.slow
@pytest.mark.parametrize("name", NAMES)
def test_mutated_files_longer_run(name: str, capfd: pytest.CaptureFixture[str]) -> None:
    _run(name, _examples(name, 150))
    assert "Traceback" not in capfd.readouterr().err
