"""The labelled corpus is only useful if its labels are right: every label must point at
exactly its text, every value must be what its label says (valid or deliberately invalid),
and the corpus must be reproducible from its seed.

Value checks use independent re-implementations of the standards (tests/factories/pii.py)
and a normaliser written here, not deident's own code.
"""

from __future__ import annotations

import itertools
import json
import random
import re
import unicodedata
from pathlib import Path

import pytest
from corpora.builder import MAKERS, SEEDS_DIR, Doc
from corpora.doctypes import DOC_TYPES
from corpora.hard_negatives import NEGATIVES
from corpora.make_office_samples import OFFICE_SAMPLES
from corpora.make_samples import SAMPLES
from hypothesis import given, settings
from hypothesis import strategies as st

from corpora import generate
from tests.factories import pii

ROOT = Path(__file__).resolve().parents[2]
DEV = ROOT / "corpora" / "dev"
NEG = ROOT / "corpora" / "negatives"


def compact(s: str) -> str:
    """Fold full-width forms, drop zero-width characters, spaces, dashes and a +86 prefix."""
    s = unicodedata.normalize("NFKC", s)
    s = re.sub(r"[\u200b-\u200d\ufeff\s\-()]", "", s)
    return re.sub(r"^\+?86", "", s) if len(re.sub(r"^\+?86", "", s)) == 11 else s


@pytest.fixture(scope="module")
def dev_labels() -> list[dict]:
    return generate.load_labels(DEV)


def _spans(labels: list[dict]):
    for rec in labels:
        text = (DEV / rec["file"]).read_text(encoding="utf-8")
        for s in rec["spans"]:
            yield rec, text, s


# --- the committed corpus -------------------------------------------------------------


def test_every_label_points_at_its_text(dev_labels):
    n = 0
    for rec, text, s in _spans(dev_labels):
        assert text[s["start"] : s["end"]] == s["text"], (rec["file"], s)
        n += 1
    assert n > 1000


def test_labels_do_not_overlap(dev_labels):
    for rec in dev_labels:
        spans = sorted(rec["spans"], key=lambda s: s["start"])
        for a, b in itertools.pairwise(spans):
            assert a["end"] <= b["start"], (rec["file"], a, b)


def test_every_file_is_labelled_and_every_label_has_a_file(dev_labels):
    files = {p.name for p in DEV.glob("*.txt")}
    assert files == {rec["file"] for rec in dev_labels}


def test_resident_ids_are_what_their_label_says(dev_labels):
    seen = set()
    for _, _, s in _spans(dev_labels):
        if s["entity_type"] != "CN_RESIDENT_ID":
            continue
        v = compact(s["text"])
        assert v.upper() == s["value"]
        valid = pii.is_valid_resident_id(v)
        assert valid == (s["checksum"] != "invalid"), s
        assert len(v) == (15 if s["variant"] == "15_digit" else 18)
        if s["variant"] == "lower_x":
            assert s["text"].endswith("x")
        if s["variant"] == "abolished_region":
            assert v[:6] in pii.ABOLISHED_REGIONS
        if s["variant"] == "permit":
            assert v[:6] in pii.PERMIT_REGIONS
        if s["variant"] == "zero_width":
            assert any(z in s["text"] for z in pii.ZERO_WIDTH)
        seen.add(s["variant"])
    assert set(MAKERS["CN_RESIDENT_ID"][1]) <= seen


def test_mobiles_cards_and_emails_are_well_formed(dev_labels):
    for _, text, s in _spans(dev_labels):
        v = compact(s["text"])
        if s["entity_type"] == "CN_MOBILE":
            assert v == s["value"] and re.fullmatch(r"1[3-9]\d{9}", v)
            allocated = v[:3] in pii.ALLOCATED_MOBILE_PREFIXES
            assert allocated == (s["variant"] != "unallocated")
        elif s["entity_type"] == "CN_BANK_CARD":
            assert v == s["value"] and 16 <= len(v) <= 19 and v.isdigit()
            assert pii.luhn_ok(v) == (s["checksum"] == "valid")
        elif s["entity_type"] == "EMAIL_ADDRESS":
            assert re.fullmatch(r"[\w.]+@[a-z0-9]+\.[a-z]+", s["text"], re.ASCII)
            if s["variant"] == "in_han":  # Han characters touch the address on both sides
                assert "\u4e00" <= text[s["start"] - 1] <= "\u9fff"
                assert "\u4e00" <= text[s["end"]] <= "\u9fff"


def test_addresses_have_their_detail_offset(dev_labels):
    for _, text, s in _spans(dev_labels):
        if s["entity_type"] != "CN_ADDRESS":
            continue
        assert s["start"] < s["detail_start"] < s["end"]
        prefix = text[s["start"] : s["detail_start"]]
        assert prefix.endswith(("街道", "镇", "区", "市")), prefix
        detail = text[s["detail_start"] : s["end"]]
        assert re.search(r"[路街道巷村]", detail) and detail.endswith(("号", "室", "房")), detail


def test_every_document_type_and_entity_occurs(dev_labels):
    assert {rec["doc_type"] for rec in dev_labels} == set(DOC_TYPES)
    entities = {s["entity_type"] for rec in dev_labels for s in rec["spans"]}
    assert entities == set(MAKERS) | {"PERSON", "CN_ADDRESS"}


@pytest.mark.skipif(not SEEDS_DIR.is_dir(), reason="the seed documents used as filler are not here")
def test_committed_corpus_is_reproducible_from_its_seed(tmp_path):
    n = len(list(DEV.glob("*.txt")))
    generate.write_corpus(tmp_path, seed=1, n=n)
    assert (tmp_path / "labels.jsonl").read_bytes() == (DEV / "labels.jsonl").read_bytes()
    for p in DEV.glob("*.txt"):
        assert (tmp_path / p.name).read_bytes() == p.read_bytes(), p.name


# --- the generator ----------------------------------------------------------------------


def test_same_seed_same_documents_other_seed_other_documents():
    a = [(f, d.text, d.spans) for f, d in generate.generate_documents(7, 12)]
    b = [(f, d.text, d.spans) for f, d in generate.generate_documents(7, 12)]
    c = [(f, d.text, d.spans) for f, d in generate.generate_documents(8, 12)]
    assert a == b
    assert a != c


def test_cli_writes_corpus_negatives_and_samples(tmp_path, capsys):
    rc = generate.main(
        ["--out", str(tmp_path / "dev"), "--seed", "3", "--n", "9", "--negatives", str(tmp_path / "neg"),
         "--samples", str(tmp_path / "s")]
    )  # fmt: skip
    assert rc == 0
    labels = generate.load_labels(tmp_path / "dev")
    assert len(labels) == 9 and len(list((tmp_path / "dev").glob("*.txt"))) == 9
    assert {p.name for p in (tmp_path / "neg").iterdir()} == set(NEGATIVES)
    assert set(SAMPLES) | set(OFFICE_SAMPLES) <= {p.name for p in (tmp_path / "s").iterdir()}
    assert "9 documents" in capsys.readouterr().out


def test_cli_without_a_target_is_a_usage_error():
    with pytest.raises(SystemExit) as exc:
        generate.main([])
    assert exc.value.code == 2


def test_smaller_corpus_removes_stale_documents(tmp_path):
    generate.write_corpus(tmp_path, seed=1, n=6)
    generate.write_corpus(tmp_path, seed=1, n=3)
    assert len(list(tmp_path.glob("*.txt"))) == 3


def test_doc_records_exact_spans():
    d = (
        Doc("t")
        .add("当事人：")
        .pii("张三", "PERSON", "cue")
        .add("，电话")
        .pii("13812345678", "CN_MOBILE", "in_han")
    )
    assert [d.text[s["start"] : s["end"]] for s in d.spans] == ["张三", "13812345678"]


# --- hard negatives ---------------------------------------------------------------------

_DIGIT_RUN = re.compile(r"(?<![0-9A-Za-z])[0-9]{17}[0-9Xx](?![0-9A-Za-z])")


def test_negatives_hold_no_valid_resident_id_outside_credit_codes():
    for p in NEG.glob("*.txt"):
        text = p.read_text(encoding="utf-8")
        for m in _DIGIT_RUN.finditer(text):
            v = m.group()
            # An all-digit credit code may pass the ID check digit; the date check rejects it,
            # except for the few planted codes that are valid as both (context decides).
            assert not pii.is_valid_resident_id(v) or pii.gb32100_ok(v), (p.name, v)


def test_credit_code_negatives_are_valid_and_include_id_check_collisions():
    text = (NEG / "统一社会信用代码.txt").read_text(encoding="utf-8")
    codes = re.findall(r"(?<![0-9A-Z])[0-9A-HJ-NPQRTUWXY]{18}(?![0-9A-Z])", text)
    assert len(codes) >= 30 and all(pii.gb32100_ok(c) for c in codes)
    assert any(c.isdigit() and pii.id_check_char(c[:17]) == c[17] for c in codes)
    both = [c for c in codes if pii.is_valid_resident_id(c)]
    assert len(both) >= 5
    for c in both:  # each one has its context word right before it
        assert re.search(f"统一社会信用代码：{c}", text)


def test_premasked_negatives_are_masked():
    text = (NEG / "已脱敏数据.txt").read_text(encoding="utf-8")
    assert not re.search(r"(?<!\d)1[3-9]\d{9}(?!\d)", text)
    assert re.search(r"\d{6}\*{8}\d{3}[\dX]", text) and re.search(r"1\d\d\*{4}\d{4}", text)


# --- value factories (tests/factories/pii.py) --------------------------------------------


@pytest.mark.parametrize(
    ("value", "valid"),
    [
        ("11010519491231002X", True),  # GB 11643 appendix example
        ("11010519491231002x", True),  # lower-case x is the same ID
        ("440881199001011233", True),
        ("440881199001011234", False),  # check digit off by one
        ("440881199013011236", False),  # month 13
        ("440881900101123", True),  # 15 digits, 1990-01-01
        ("440881901301123", False),  # 15 digits, month 13
    ],
)
def test_resident_id_validator_table(value, valid):
    assert pii.is_valid_resident_id(value) is valid


@pytest.mark.parametrize(
    ("value", "valid"),
    [("6222021234567890128", True), ("6222021234567890127", False), ("4111111111111111", True)],
)
def test_luhn_table(value, valid):
    assert pii.luhn_ok(value) is valid


def test_gb32100_known_code():
    assert pii.gb32100_ok("91350100M000100Y43")  # GB 32100 example code
    assert not pii.gb32100_ok("91350100M000100Y44")


@settings(max_examples=200)
@given(pii.resident_ids(), pii.resident_ids_15())
def test_generated_ids_are_valid(v18, v15):
    assert pii.is_valid_resident_id(v18) and pii.is_valid_resident_id(v15)


@settings(max_examples=50)
@given(pii.rngs())
def test_credit_codes_valid_as_ids_are_both(rng):
    c = pii.credit_code_valid_as_id(rng)
    assert pii.gb32100_ok(c) and pii.is_valid_resident_id(c)


@settings(max_examples=200)
@given(pii.rngs())
def test_invalid_generators_are_invalid(rng):
    assert not pii.is_valid_resident_id(pii.resident_id_bad_checksum(rng))
    assert not pii.is_valid_resident_id(pii.resident_id_bad_date(rng))
    assert not pii.luhn_ok(pii.bank_card(rng, luhn=False))
    code = pii.social_credit_code(rng, id_check_collision=True)
    assert pii.gb32100_ok(code) and code.isdigit() and not pii.is_valid_resident_id(code)


@settings(max_examples=200)
@given(pii.bank_cards(), pii.mobiles(), pii.emails())
def test_generated_cards_mobiles_emails(card, mobile, email):
    assert pii.luhn_ok(card) and card.startswith(pii.UNIONPAY_BINS) and 16 <= len(card) <= 19
    assert mobile[:3] in pii.ALLOCATED_MOBILE_PREFIXES and len(mobile) == 11
    assert re.fullmatch(r"[\w.]+@[a-z0-9]+\.[a-z]+", email, re.ASCII)


@settings(max_examples=200)
@given(
    pii.rngs(),
    st.sampled_from(["plain", "fullwidth", "dashes", "spaces", "zero_width"]),
    st.sampled_from(["id", "mobile", "card"]),
)
def test_render_variants_keep_the_value(rng, variant, kind):
    value = {"id": pii.resident_id, "mobile": pii.mobile, "card": pii.bank_card}[kind](rng)
    shown = pii.render(value, variant, rng)
    assert compact(shown) == value
    assert (shown == value) == (variant == "plain")


@settings(max_examples=100)
@given(pii.rngs())
def test_plates_passports_permits_names_addresses(rng):
    prov = f"[{pii.PLATE_PROVINCES}]"
    assert re.fullmatch(prov + r"[A-HJ-NP-Z]·?[A-HJ-NP-Z0-9]{5}", pii.plate(rng))
    assert re.fullmatch(prov + r"[A-HJ-NP-Z]·?[DF][A-HJ-NP-Z0-9]\d{4}", pii.plate(rng, new_energy=True))
    assert re.fullmatch(r"E\d{8}|G\d{8}|E[A-HJ-NP-Z]\d{7}", pii.passport(rng))
    assert re.fullmatch(r"C\d{8}|[HM]\d{8}|\d{8}", pii.travel_permit(rng))
    name = pii.person_name(rng)
    assert 2 <= len(name) <= 4 or "·" in name
    addr, detail = pii.address(rng)
    assert 0 < detail < len(addr)


def test_generators_are_deterministic_per_seed():
    def draw(seed: int) -> list[str]:
        r = random.Random(seed)
        return [pii.resident_id(r), pii.mobile(r), pii.bank_card(r), pii.email(r), pii.address(r)[0]]

    assert draw(5) == draw(5) != draw(6)


def test_labels_file_is_one_json_object_per_line():
    for line in (DEV / "labels.jsonl").read_text(encoding="utf-8").splitlines():
        rec = json.loads(line)
        assert set(rec) == {"file", "doc_type", "spans"}
