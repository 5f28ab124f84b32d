"""The benchmarks measure what they claim: matching rules of the accuracy benchmark on
hand-made findings, both commands end to end on a small generated corpus with the real
engine, and the Presidio peer configuration on Chinese text (offline)."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest
from benchmarks import accuracy, speed

from corpora import generate
from deident.model import Explanation, Finding


def _finding(entity: str, start: int, end: int) -> Finding:
    return Finding(entity, start, end, "x", 0.9, "t", Explanation("t", "p", 0.9))


def _span(entity: str, start: int, end: int, variant: str = "plain", **extra) -> dict:
    return {"entity_type": entity, "start": start, "end": end, "variant": variant, "text": "x", **extra}


def test_overlap_with_the_same_type_counts_other_types_do_not():
    res = accuracy.Results()
    spans = [_span("CN_MOBILE", 10, 21), _span("CN_RESIDENT_ID", 30, 48)]
    found = [_finding("CN_MOBILE", 12, 21), _finding("CN_BANK_CARD", 30, 48)]
    accuracy.score_document(res, "d.txt", "x" * 60, spans, found)
    assert (res.by_entity["CN_MOBILE"].tp, res.by_entity["CN_MOBILE"].fp) == (1, 0)
    assert (res.by_entity["CN_RESIDENT_ID"].tp, res.by_entity["CN_RESIDENT_ID"].fn) == (0, 1)
    assert res.by_entity["CN_BANK_CARD"].fp == 1
    assert res.false_positives[0]["labelled_as"] == "CN_RESIDENT_ID"
    assert res.target.recall == 0.5 and res.target.precision == 0.5


def test_invalid_checksums_are_outside_the_target_set():
    res = accuracy.Results()
    spans = [_span("CN_RESIDENT_ID", 0, 18, "checksum_invalid"), _span("CN_MOBILE", 20, 31)]
    accuracy.score_document(res, "d.txt", "x" * 40, spans, [_finding("CN_MOBILE", 20, 31)])
    assert res.target.recall == 1.0
    assert res.by_variant[("CN_RESIDENT_ID", "checksum_invalid")].recall == 0.0


def test_address_detail_coverage_counts_characters_below_the_township():
    res = accuracy.Results()
    span = _span("CN_ADDRESS", 0, 20, detail_start=10)
    accuracy.score_document(res, "d.txt", "x" * 20, [span], [_finding("CN_ADDRESS", 0, 15)])
    assert res.address_detail == [0.5]


@pytest.fixture(scope="module")
def small_corpus(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("bench")
    generate.main(["--out", str(root / "dev"), "--seed", "11", "--n", "10", "--negatives", str(root / "neg")])
    return root


def test_accuracy_command_writes_its_summary(small_corpus, tmp_path, capsys):
    out = tmp_path / "acc.json"
    rc = accuracy.main(
        ["--corpus", str(small_corpus / "dev"), "--negatives", str(small_corpus / "neg"),
         "--seeds", str(tmp_path / "none"), "--out", str(out)]
    )  # fmt: skip
    assert rc == 0
    summary = json.loads(out.read_text(encoding="utf-8"))
    labels = generate.load_labels(small_corpus / "dev")
    n = sum(len(r["spans"]) for r in labels)
    assert sum(t["labels"] for t in summary["by_entity"].values()) == n
    assert set(summary["negatives"]) == {p.name for p in (small_corpus / "neg").iterdir()}
    # The generator's own corpus is a regression check: the target set is read almost whole, and the
    # verdict printed agrees with the figure.
    recall = summary["targets"]["recall"]
    assert recall >= 0.95
    assert summary["targets"]["recall_ok"] is (recall >= accuracy.TARGET_RECALL)
    assert "target set" in capsys.readouterr().out


def test_speed_command_restores_the_network_and_reports_each_tool(small_corpus, tmp_path):
    out = tmp_path / "speed.json"
    before = socket.socket.connect
    rc = speed.main(
        ["--corpus", str(small_corpus / "dev"), "--seeds", str(tmp_path / "none"), "--runs", "1",
         "--skip-presidio", "--skip-jionlp", "--no-pin", "--out", str(out)]
    )  # fmt: skip
    assert rc == 0 and socket.socket.connect is before
    summary = json.loads(out.read_text(encoding="utf-8"))
    assert set(summary["results"]) == {speed.DEIDENT, "deident (all recognizers)"}
    assert summary["results"][speed.DEIDENT]["corpus"]["findings"] > 0
    assert summary["network_attempts"] == []


def test_network_is_refused_inside_the_benchmark():
    with speed.network_blocked(), pytest.raises(OSError, match="network disabled"):
        socket.create_connection(("127.0.0.1", 9), timeout=1)


def test_presidio_peer_finds_chinese_ids_offline(tmp_path):
    pytest.importorskip("presidio_analyzer")
    pytest.importorskip("spacy")
    from benchmarks.presidio_zh import build_analyzer

    with speed.network_blocked():
        analyzer = build_analyzer(tmp_path)
        text = "当事人身份证号码11010519491231002X，手机13812345678，邮箱zhang@qq.com收。"
        found = {r.entity_type: text[r.start : r.end] for r in analyzer.analyze(text, language="zh")}
    assert found == {
        "CN_RESIDENT_ID": "11010519491231002X",
        "CN_MOBILE": "13812345678",
        "EMAIL_ADDRESS": "zhang@qq.com",
    }


def test_leak_oracle_reads_through_separators_and_full_width():
    from benchmarks.mask_leaks import leaked_labels

    text = "电话１３８ 1234-5678，住广州市天河区石牌街道青年路12号，张三"
    spans = [
        _span("CN_MOBILE", 2, 15, value="13812345678"),
        _span("CN_ADDRESS", 17, 33, detail_start=27),
        {**_span("PERSON", 34, 36), "text": "张三"},
    ]
    assert [text[s["start"] : s["end"]] for s in spans] == [
        "１３８ 1234-5678",
        "广州市天河区石牌街道青年路12号",
        "张三",
    ]
    assert text[27:33] == "青年路12号"
    assert leaked_labels(text, spans, text) == spans
    masked = "电话１３８ ****-5678，住广州市天河区石牌街道*******，张*"
    assert leaked_labels(text, spans, masked) == []


def test_accuracy_reports_what_is_readable_after_masking(small_corpus, tmp_path):
    out = tmp_path / "acc.json"
    accuracy.main(
        ["--corpus", str(small_corpus / "dev"), "--seeds", str(tmp_path), "--table-hints", "--out", str(out)]
    )
    after = json.loads(out.read_text(encoding="utf-8"))["after_masking"]
    assert set(after) == {
        "labels_still_readable",
        "target_set_still_readable",
        "findings_on_rescan",
        "examples",
    }
    assert after["target_set_still_readable"] == 0
