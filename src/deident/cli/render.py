"""Rendering of scan and mask results: table (for people), json, jsonl and sarif.

The table speaks the run's language (cli/i18n) and shows values masked unless asked
(`--show-values`); json, jsonl and sarif keep their contracts whatever the language.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TextIO

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from deident.cli.i18n import _, lang, tr
from deident.locale import terms
from deident.model import FileReport, Finding, MaskReport, Status

Redactor = Callable[[Finding], str] | None
JSON_VERSION = 1


def summary(reports: Sequence[FileReport]) -> dict[str, int]:
    return {
        "files": len(reports),
        "clean": sum(r.status is Status.CLEAN for r in reports),
        "findings": sum(len(r.findings) for r in reports),
        "blocked": sum(r.status is Status.BLOCKED for r in reports),
    }


def _finding(r: FileReport, f: Finding, redact: Redactor) -> dict[str, Any]:
    return f.to_dict(path=r.path, redacted_text=redact(f) if redact else None)


def scan_json(reports: Sequence[FileReport], redact: Redactor) -> dict[str, Any]:
    return {
        "version": JSON_VERSION,
        "files": [r.to_dict() for r in reports],
        "findings": [_finding(r, f, redact) for r in reports for f in r.findings],
        "summary": summary(reports),
    }


def scan_jsonl_line(r: FileReport, redact: Redactor) -> str:
    record = r.to_dict()
    record["findings"] = [_finding(r, f, redact) for f in r.findings]
    return json.dumps(record, ensure_ascii=False)


def _console(out: TextIO) -> Console:
    # Piped output (a log, a CI job) gets wide lines instead of cells wrapped at 80 columns.
    return Console(file=out, highlight=False, soft_wrap=False, width=None if out.isatty() else 200)


def _location(loc: dict[str, Any]) -> str:
    return terms.place(tr(), loc)


def _entity(entity_type: str) -> str:
    return terms.entity(tr(), entity_type) if lang() == "zh" else entity_type


def _status(value: str) -> str:
    colour = {"clean": "green", "findings": "yellow", "blocked": "red"}.get(value, "white")
    return f"[{colour}]{terms.status(tr(), value)}[/]"


def blocked_why(reason: str | None, detail: str | None) -> str:
    """What is wrong and what to do about it (never the personal data itself)."""
    what, todo = terms.advice(tr(), reason)
    said = f"{reason}: {detail}" if detail else (reason or "")
    # The stable reason comes first (scripts and people grep for it), then the advice.
    return _("{said} — {what}. What to do: {todo}").format(what=what, said=said, todo=todo)


def scan_table(reports: Sequence[FileReport], shown: Redactor, out: TextIO) -> None:
    """`shown` gives the text shown for each finding: its masked form, unless the user asked
    for values (`--show-values`: None)."""
    console = _console(out)
    table = Table(title=_("deident scan"), show_lines=False)
    for col in (_("file"), _("status"), _("entity"), _("text"), _("where"), _("score"), _("why")):
        table.add_column(col, overflow="fold")
    for r in reports:
        status = _status(r.status.value)
        if not r.findings:
            why = blocked_why(r.reason, r.detail) if r.status is Status.BLOCKED else ""
            table.add_row(escape(r.path), status, "", "", "", "", escape(why))
        for f in r.findings:
            text = shown(f) if shown else f.text
            table.add_row(
                escape(r.path),
                status,
                _entity(f.entity_type),
                escape(text),
                escape(_location(dict(f.location))),
                f"{f.score:.2f}",
                escape(terms.why(tr(), f.explanation)),
            )
    console.print(table)
    s = summary(reports)
    console.print(
        _("{files} files: {clean} clean, {blocked} blocked, {findings} findings").format(**s), markup=False
    )
    if s["blocked"] or s["findings"]:
        hint = _(
            "Next: deident mask PATH --out DIR writes masked copies; deident review PATH --serve opens the reviewer console."
        )
        console.print(hint, markup=False)


def gate_why(reason: str | None) -> str:
    """A gate verdict's reason, translated, with what to do about it."""
    gate_advice = {
        "never approved": _("never approved; review and approve it (deident review PATH --serve)"),
        "changed after approval": _("changed after approval; review and approve the new version"),
        "not found": _("not found; check the path"),
    }
    r = reason or ""
    if r in gate_advice:
        return gate_advice[r]
    if r.startswith("needs "):
        return r + _("; another reviewer must approve it too")
    if r.startswith("ledger does not verify"):
        return _("the ledger does not verify; run deident ledger verify and restore it from version control")
    return blocked_why(reason, None)


def mask_json(results: Sequence[MaskReport]) -> dict[str, Any]:
    return {
        "version": JSON_VERSION,
        "files": [
            {
                "path": m.source,
                "output": m.output,
                "status": m.report.status.value,
                "reason": m.report.reason,
                "detail": m.report.detail,
                "masked": m.masked,
                "notes": list(m.notes),
            }
            for m in results
        ],
        "summary": {
            "files": len(results),
            "written": sum(m.ok for m in results),
            "masked": sum(m.masked for m in results),
            "blocked": sum(not m.ok for m in results),
        },
    }


def mask_table(results: Sequence[MaskReport], out: TextIO) -> None:
    console = _console(out)
    table = Table(title=_("deident mask"))
    for col in (_("file"), _("output"), _("masked"), _("status")):
        table.add_column(col, overflow="fold")
    for m in results:
        if m.ok:
            status = f"[green]{terms.status(tr(), 'written')}[/]"
        else:
            why = blocked_why(m.report.reason, m.report.detail)
            status = f"[red]{terms.status(tr(), 'not written')}[/]: {escape(why)}"
        if m.notes:
            status += " (" + "; ".join(m.notes) + ")"
        table.add_row(escape(m.source), escape(m.output or "-"), str(m.masked), status)
    console.print(table)
    written = sum(m.ok for m in results)
    console.print(
        _("{files} files: {written} written, {unwritten} not written").format(
            files=len(results), written=written, unwritten=len(results) - written
        ),
        markup=False,
    )


def sarif(reports: Sequence[FileReport], redact: Redactor, root: Path) -> dict[str, Any]:
    from deident.review.sarif import sarif_log

    return sarif_log(reports, root=root, redact=redact)
