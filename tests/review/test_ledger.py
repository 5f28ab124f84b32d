from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from deident.review.keys import Key
from deident.review.ledger import GENESIS, Ledger, LedgerInvalid, canonical


def approval(n: int, reviewer: str = "王芳") -> dict[str, Any]:
    return {
        "kind": "approval",
        "file_sha256": f"{n:064x}",
        "path": f"site/{n}.html",
        "policy": "gov",
        "findings": 0,
        "reviewer": reviewer,
        "required_approvals": 1,
        "date": "2024-11-22",
    }


def decision(n: int) -> dict[str, Any]:
    return {
        "kind": "decision",
        "verdict": "not_pii",
        "file_sha256": f"{n:064x}",
        "finding": f"{n:016x}",
        "entity_type": "CN_LANDLINE",
        "value_hmac": f"{n:064x}",
        "reviewer": "李强",
        "reason": "单位办公电话",
        "date": "2024-11-22",
    }


def test_append_chains_entries_in_canonical_sorted_lines(ledger: Ledger) -> None:
    written = ledger.append([approval(1), decision(2)])
    written += ledger.append([approval(3)])
    lines = ledger.path.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 3
    entries = [json.loads(x) for x in lines]
    assert [e["seq"] for e in entries] == [1, 2, 3]
    assert entries[0]["prev"] == GENESIS
    assert entries[1]["prev"] == entries[0]["hash"] and entries[2]["prev"] == entries[1]["hash"]
    for line, e in zip(lines, entries, strict=True):
        assert line == canonical(e)
        assert list(e) == sorted(e), "keys must be sorted for stable diffs"
    assert written == entries
    v = ledger.verify()
    assert v.ok and v.entries == 3 and v.head == entries[-1]["hash"]


def test_appending_never_rewrites_existing_lines(ledger: Ledger) -> None:
    ledger.append([approval(1)])
    before = ledger.path.read_bytes()
    ledger.append([approval(2)])
    assert ledger.path.read_bytes().startswith(before)


def test_empty_or_missing_ledger_verifies(ledger: Ledger) -> None:
    assert ledger.verify().ok
    assert ledger.entries() == []


def _mutate_field(ledger: Ledger, idx: int, field: str, value: Any, rehash: bool = False) -> None:
    lines = ledger.path.read_text(encoding="utf-8").splitlines()
    e = json.loads(lines[idx])
    e[field] = value
    if rehash:
        import hashlib

        body = {k: v for k, v in e.items() if k not in ("hash", "mac")}
        e["hash"] = hashlib.sha256(canonical(body).encode()).hexdigest()
    lines[idx] = canonical(e)
    ledger.path.write_text("\n".join(lines) + "\n", encoding="utf-8")


@pytest.fixture
def three(ledger: Ledger) -> Ledger:
    ledger.append([approval(1), decision(2), approval(3, "李强")])
    return ledger


def test_edited_field_is_detected(three: Ledger) -> None:
    _mutate_field(three, 1, "verdict", "confirmed")
    v = three.verify()
    assert not v.ok and any("hash mismatch" in p for p in v.problems)
    with pytest.raises(LedgerInvalid):
        three.entries()


def test_rehashed_edit_without_the_key_is_detected(three: Ledger) -> None:
    _mutate_field(three, 2, "reviewer", "冒名者", rehash=True)
    v = three.verify()
    assert not v.ok and any("signature mismatch" in p for p in v.problems)


def test_deleted_line_is_detected(three: Ledger) -> None:
    lines = three.path.read_text(encoding="utf-8").splitlines()
    three.path.write_text("\n".join([lines[0], lines[2]]) + "\n", encoding="utf-8")
    v = three.verify()
    assert not v.ok
    assert any("sequence" in p for p in v.problems) and any("chain broken" in p for p in v.problems)


def test_reordered_lines_are_detected(three: Ledger) -> None:
    lines = three.path.read_text(encoding="utf-8").splitlines()
    three.path.write_text("\n".join([lines[1], lines[0], lines[2]]) + "\n", encoding="utf-8")
    assert not three.verify().ok


def test_reformatted_line_is_detected(three: Ledger) -> None:
    lines = three.path.read_text(encoding="utf-8").splitlines()
    lines[0] = json.dumps(json.loads(lines[0]), ensure_ascii=True)  # same data, other bytes
    three.path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    v = three.verify()
    assert not v.ok and any("canonical" in p for p in v.problems)


def test_ledger_signed_with_another_key_does_not_verify(three: Ledger) -> None:
    other = Ledger(three.path, Key(b"\x01" * 32))
    v = other.verify()
    assert not v.ok and any("another key" in p for p in v.problems)


def test_nothing_is_appended_to_a_broken_ledger(three: Ledger) -> None:
    _mutate_field(three, 0, "findings", 5)
    broken = three.path.read_bytes()
    with pytest.raises(LedgerInvalid):
        three.append([approval(9)])
    assert three.path.read_bytes() == broken


@pytest.mark.parametrize(
    "record, message",
    [
        ({"kind": "baseline"}, "unknown ledger entry kind"),
        ({**decision(1), "verdict": "accepted"}, "unknown verdict"),
        ({k: v for k, v in approval(1).items() if k != "reviewer"}, "lacks reviewer"),
        ({**approval(1), "seq": 3}, "chain fields"),
    ],
)
def test_invalid_records_are_rejected(ledger: Ledger, record: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        ledger.append([record])
    assert not ledger.path.exists() or ledger.path.read_text() == ""


def test_concurrent_appends_keep_one_chain(ledger: Ledger) -> None:
    def worker(base: int) -> None:
        for i in range(15):
            Ledger(ledger.path, ledger.key).append([approval(base * 100 + i)])

    threads = [threading.Thread(target=worker, args=(t,)) for t in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    v = ledger.verify()
    assert v.ok, v.problems
    assert v.entries == 120


@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(
    n=st.integers(min_value=2, max_value=6),
    data=st.data(),
)
def test_any_single_edit_deletion_or_swap_is_detected(tmp_path: Path, n: int, data: st.DataObject) -> None:
    path = tmp_path / "ledger.jsonl"
    path.unlink(missing_ok=True)  # hypothesis reuses tmp_path across examples
    led = Ledger(path, Key(b"s" * 32))
    led.append([approval(i) if i % 2 else decision(i) for i in range(n)])
    lines = path.read_text(encoding="utf-8").splitlines()
    op = data.draw(st.sampled_from(["edit", "delete", "swap"]))
    i = data.draw(st.integers(0, n - 1))
    if op == "edit":
        line = lines[i]
        pos = data.draw(st.integers(0, len(line) - 1))
        ch = data.draw(st.characters(blacklist_categories=("Cs",), blacklist_characters="\n\r"))
        if ch == line[pos]:
            ch = "0" if line[pos] != "0" else "1"
        lines[i] = line[:pos] + ch + line[pos + 1 :]
    elif op == "delete":
        # Deleting the last line is only detectable against a recorded head; delete another.
        del lines[min(i, n - 2)]
    else:
        j = (i + 1) % n
        lines[i], lines[j] = lines[j], lines[i]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert not led.verify().ok


def test_names_are_written_readable_so_the_ledger_diffs_cleanly(ledger: Ledger) -> None:
    ledger.append([approval(1, "王芳")])
    assert '"reviewer":"王芳"' in ledger.path.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda data: data[:40] + b"\xff\xfe" + data[40:], id="bytes that are not UTF-8"),
        pytest.param(lambda data: data.replace(b"}\n", b"} \n", 1), id="a trailing space"),
        pytest.param(lambda data: data + b"[1, 2]\n", id="JSON that is not an object"),
    ],
)
def test_a_ledger_damaged_below_the_json_does_not_verify(three: Ledger, damage) -> None:
    three.path.write_bytes(damage(three.path.read_bytes()))
    fresh = Ledger(three.path, three.key)
    v = fresh.verify()
    assert v.ok is False and v.problems
    with pytest.raises(LedgerInvalid):
        fresh.entries()


def test_an_edit_after_a_read_is_caught_by_the_same_ledger_object(three: Ledger) -> None:
    """A long-lived process (the HTTP service) reads the ledger many times: an edit made between
    two reads is verified again, never answered from what was read before."""
    assert len(three.entries()) == 3
    _mutate_field(three, 1, "verdict", "confirmed")
    with pytest.raises(LedgerInvalid):
        three.entries()


def test_a_signed_entry_lacking_a_field_does_not_verify(ledger: Ledger) -> None:
    """The fields each kind needs are checked on reading too, not only by `append`: an entry written
    with the key by another tool (or an older deident) that lacks one is a problem."""
    import hashlib

    ledger.append([approval(1)])
    body = {k: v for k, v in approval(2).items() if k != "policy"}
    head = ledger.verify().head
    body |= {"seq": 2, "prev": head, "key_id": ledger.key.key_id}
    h = hashlib.sha256(canonical(body).encode()).hexdigest()
    with ledger.path.open("a", encoding="utf-8") as fh:
        fh.write(canonical({**body, "hash": h, "mac": ledger.key.mac(h.encode())}) + "\n")
    v = Ledger(ledger.path, ledger.key).verify()
    assert v.ok is False and v.problems == ("line 2: approval lacks policy",)
