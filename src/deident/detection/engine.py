"""The detection engine: one pass for number-like runs, one per text pattern, then detectors,
then context scoring, table hints and overlap resolution.

An `Engine` is immutable once built and holds no per-call state, so one instance can serve
many threads. Build it once (`Engine.create`) and reuse it: compiling the recognizers is
the expensive part. The jobs live next door: compiled.py (specs -> regexes, validators,
plans), scoring.py (checksum, context, explanations), passes.py (the Python number and text
passes, twins of _reading.pyx), hints.py (table headers).
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from deident.config import ScanConfig
from deident.detection import passes
from deident.detection.compiled import (
    MAX_NUMBER_LEN,
    Recognizer,
    cached_specs,
    compile_recognizer,
    plan_by_length,
)
from deident.detection.detectors import Detector, build_detector
from deident.detection.hints import NameSpan, apply_cells, apply_hint, clean_name_span, whole_name_cell
from deident.detection.labelled.labels import LabelReader, merge
from deident.detection.labelled.text_tables import Table, TableCells, tables
from deident.detection.native import reading
from deident.detection.numbers.embedded import embedded_ids
from deident.detection.numbers.islands import islands
from deident.detection.numbers.normalise import fold
from deident.detection.numbers.renderings import emphasised_numbers, odd_numbers, starred_numbers
from deident.detection.resolve import by_start, keeper, resolve_overlaps, spans
from deident.detection.scoring import Explainer
from deident.detection.spec import RecognizerSpec
from deident.detection.tables import NOT_PERSONAL
from deident.model import FINDING_FIELDS, Finding


class Engine:
    def __init__(self, specs: Sequence[RecognizerSpec], config: ScanConfig | None = None) -> None:
        self.config = config or ScanConfig()
        wanted = [s for s in specs if self.config.wants(s.entity)]
        self.specs: tuple[RecognizerSpec, ...] = tuple(specs)
        self._numbers = tuple(compile_recognizer(s) for s in wanted if s.kind == "number")
        self._by_len = plan_by_length(self._numbers)
        # The same lengths as flags for `runs.number_steps`: lengths[n] is 1 when a pattern can
        # match a value of n characters.
        self._lengths = bytes(1 if n in self._by_len else 0 for n in range(MAX_NUMBER_LEN + 1))
        self._texts = tuple(compile_recognizer(s) for s in wanted if s.kind == "text")
        compiled = {id(r.spec): r for r in (*self._numbers, *self._texts)}
        self._labels = LabelReader(
            [compiled.get(id(s)) or compile_recognizer(s) for s in wanted if s.labels is not None]
        )
        self._has_labels = bool(self._labels)
        self._wants_id = self.config.wants("CN_RESIDENT_ID")
        detectors: list[tuple[RecognizerSpec, Detector]] = []
        for s in wanted:
            if s.kind == "detector" and (s.detector != "ner_model" or self.config.use_model):
                d = build_detector(s, self.config)
                if d is not None:
                    detectors.append((s, d))
        self._detectors = tuple(detectors)
        self._explain = Explainer()
        self._owner = {s.entity: s.id for s in reversed(wanted)}  # the first recognizer of an entity
        self._cells = TableCells(self._owner, self.config.entities, self.config.min_score)
        self._keep = keeper(self.config.min_score, self.config.entities)
        # The passes compiled (detection/_reading.pyx), when installed: same findings.
        self._reader: Any = (
            reading.NumberReader(
                self._by_len,
                self._lengths,
                MAX_NUMBER_LEN + 4,
                self.config.min_score,
                self._explain.cache,
                self._explain,
                Finding,
                FINDING_FIELDS,
            )
            if reading is not None and self._numbers
            else None
        )
        self._text_readers: tuple[Any, ...] = tuple(
            reading.TextReader(
                rec, self.config.min_score, self._explain.cache, self._explain, Finding, FINDING_FIELDS
            )
            if reading is not None
            else None
            for rec in self._texts
        )
        self._text_pairs = tuple(zip(self._texts, self._text_readers, strict=True))

    @classmethod
    def create(cls, config: ScanConfig | None = None, recognizers: Path | None = None) -> Engine:
        return cls(cached_specs(str(recognizers) if recognizers else None), config)

    def without_models(self) -> Engine:
        """This engine without its statistical detectors (the name model), sharing everything
        else: for text the model has read already (the second reading, `deident.verify`). Made once
        per engine: the second reading asks for it page by page."""
        rules = self.__dict__.get("_without_models")
        if rules is None:
            rules = copy.copy(self)
            rules._detectors = tuple(
                (s, d) for s, d in self._detectors if not getattr(d, "reads_findings", False)
            )
            rules._without_models = rules
            self._without_models = rules
        return rules

    # --- passes --------------------------------------------------------------------------

    def _numbers_in(self, text: str, folded: str, prune: bool) -> list[Finding]:
        if self._reader is not None:
            return self._reader.read(text, folded, prune)  # a fresh list
        return self._numbers_in_python(text, folded, prune)

    def _numbers_in_python(self, text: str, folded: str, prune: bool) -> list[Finding]:
        if not self._numbers:
            return []
        return passes.numbers_in(
            self._by_len,
            self._lengths,
            MAX_NUMBER_LEN + 4,
            self._explain,
            text,
            folded,
            prune,
            self.config.min_score,
        )

    def _texts_in(self, text: str, folded: str, prune: bool) -> list[Finding]:
        out: list[Finding] = []
        everywhere = ((0, len(folded)),)
        for rec, reader in self._text_pairs:
            required = rec.spec.requires
            if required and required not in folded:
                continue
            # Only the stretches a match can lie in (e-mail: [A-Za-z0-9._%+@-] around an "@").
            spans = everywhere if rec.alphabet is None else islands(folded, required or "", rec.alphabet)
            if reader is not None:
                out.extend(reader.read(text, folded, prune, spans))
            else:
                out.extend(self._texts_in_python(rec, text, folded, prune, spans))
        return out

    def _texts_in_python(
        self, rec: Recognizer, text: str, folded: str, prune: bool, spans: Iterable[tuple[int, int]]
    ) -> Iterable[Finding]:
        return passes.texts_in(rec, self._explain, text, folded, prune, spans, self.config.min_score)

    # --- public --------------------------------------------------------------------------

    def candidates(self, text: str, *, prune: bool = False) -> list[Finding]:
        """Every finding before `min_score` and overlap resolution: what `analyze` chooses from.
        With `prune`, matches that cannot reach `min_score` even with context are left out."""
        folded = fold(text)
        return self._read_by_models(text, folded, self._read_by_rules(text, folded, prune))

    def _read_by_rules(self, text: str, folded: str, prune: bool) -> list[Finding]:
        found = self._numbers_in(text, folded, prune)
        found.extend(self._texts_in(text, folded, prune))
        for _, det in self._detectors:
            if not getattr(det, "reads_findings", False):
                found.extend(det.detect(text, folded))
        if self._numbers:
            found.extend(odd_numbers(text, self._read_plain))
            found.extend(emphasised_numbers(text, self._read_plain))
            if "*" in text:
                found.extend(starred_numbers(text, self._read_plain))
        if self._has_labels:
            found = merge(found, self._labels.read(text, folded, found))
        return found

    def _read_by_models(self, text: str, folded: str, found: list[Finding]) -> list[Finding]:
        """The model reads last: the rules' findings say where it need not look."""
        for _, det in self._detectors:
            if getattr(det, "reads_findings", False):
                found.extend(det.detect(text, folded, found))
        return found

    def _name_cell(self, text: str, reason: str | None) -> list[Finding]:
        """A name column's cell that is one clean name (`hints.whole_name_cell`) is masked whole
        by the rules and its header; the model reads it only when the rules found more there."""
        folded = fold(text)
        found = self._read_by_rules(text, folded, False)
        whole = whole_name_cell(text, found, reason)
        return whole if whole is not None else self._read_by_models(text, folded, found)

    def _read_plain(self, text: str) -> list[Finding]:
        return self._numbers_in(text, fold(text), False)

    def analyze(
        self, text: str, *, hint_entity: str | None = None, hint_reason: str | None = None
    ) -> list[Finding]:
        """Personal data in `text`, sorted by offset, overlaps resolved, `min_score` applied.

        `hint_entity` says the container declares this text to be that entity (a table cell
        under 身份证号码): the cell is reported even when no pattern or checksum matches.
        """
        # A table hint promotes weak matches in its cell, so then nothing is pruned.
        config = self.config
        if hint_entity == "PERSON" and config.wants("PERSON") and clean_name_span(text) is not None:
            found = self._name_cell(text, hint_reason)
        else:
            found = self.candidates(text, prune=hint_entity is None)
        spans = (getattr(det, "name_span", None) for _, det in self._detectors)
        name_spans = [span for span in spans if span is not None]
        if hint_entity is not None and (hint_entity == NOT_PERSONAL or config.wants(hint_entity)):
            found = apply_hint(text, found, hint_entity, hint_reason, name_spans)
        kept = resolve_overlaps(self._kept(found))
        if self._wants_id:
            inside = embedded_ids(text, kept)
            if inside:
                kept = resolve_overlaps([*kept, *inside])
        if hint_entity is None:
            in_tables = tables(text)
            if in_tables:
                kept = self._apply_tables(text, kept, in_tables, name_spans)
        return kept

    def _kept(self, found: list[Finding]) -> list[Finding]:
        # One pass: an ID reported without passing its checksum says which check it fails.
        return self._keep(found)

    def _apply_tables(
        self, text: str, kept: list[Finding], in_tables: list[Table], name_spans: list[NameSpan]
    ) -> list[Finding]:
        """Table hints for the tables inside a plain text: only the cells its findings (`kept`:
        resolved, in order) do not account for."""
        starts, ends = spans(kept)
        # The cells no finding touches are made whole (compiled); the others go through apply_cells.
        made, todo = self._cells.read(text, in_tables, starts, ends)
        if not todo:
            # The cells made touch no finding and no other cell: nothing to resolve, only to order.
            return by_start(kept, made) if made else kept
        # A cell of a text table is reported by the recognizer of its entity (the Presidio pack
        # maps findings to recognizers by id); format readers' cells stay "table_header".
        rest, changed = apply_cells(
            text, kept, todo, "column header", name_spans, starts=starts, owners=self._owner
        )
        return resolve_overlaps([*rest, *self._kept(changed), *made])
