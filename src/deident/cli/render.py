"""Rendering of scan and mask results: table (for people), json, jsonl and sarif."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TextIO

from rich.console import Console
from rich.table import Table

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
    return " ".join(f"{k}={v}" for k, v in loc.items()) or "-"


def scan_table(reports: Sequence[FileReport], redact: Redactor, out: TextIO) -> None:
    console = _console(out)
    table = Table(title="deident scan", show_lines=False)
    for col in ("file", "status", "entity", "text", "where", "score", "why"):
        table.add_column(col, overflow="fold")
    for r in reports:
        status = {
            "clean": "[green]clean[/]",
            "findings": "[yellow]findings[/]",
            "blocked": "[red]blocked[/]",
        }[r.status.value]
        if not r.findings:
            why = f"{r.reason}: {r.detail}" if r.detail else (r.reason or "")
            table.add_row(r.path, status, "", why, "", "", "")
        for f in r.findings:
            why = f.explanation.context_word or f.explanation.pattern
            if f.explanation.checksum != "n/a":
                why += f" · checksum {f.explanation.checksum}"
            text = redact(f) if redact else f.text
            table.add_row(
                r.path, status, f.entity_type, text, _location(dict(f.location)), f"{f.score:.2f}", why
            )
    console.print(table)
    s = summary(reports)
    console.print(f"{s['files']} files: {s['clean']} clean, {s['blocked']} blocked, {s['findings']} findings")


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
    table = Table(title="deident mask")
    for col in ("file", "output", "masked", "status"):
        table.add_column(col, overflow="fold")
    for m in results:
        why = f"{m.report.reason}: {m.report.detail}" if m.report.detail else m.report.reason
        status = "[green]written[/]" if m.ok else f"[red]not written[/]: {why}"
        if m.notes:
            status += " (" + "; ".join(m.notes) + ")"
        table.add_row(m.source, m.output or "-", str(m.masked), status)
    console.print(table)
    written = sum(m.ok for m in results)
    console.print(f"{len(results)} files: {written} written, {len(results) - written} not written")


def sarif(reports: Sequence[FileReport], redact: Redactor, root: Path) -> dict[str, Any]:
    from deident.review.sarif import sarif_log

    return sarif_log(reports, root=root, redact=redact)
