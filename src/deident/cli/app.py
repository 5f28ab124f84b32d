"""deident's command line (typer). Library errors become messages and exit codes here only.

Exit codes: 0 nothing stops publication; 1 findings or blocked files; 2 usage or internal error.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer
import typer.main

from deident.cli import i18n, render
from deident.cli import spark as spark_cli
from deident.cli.options import EXIT_ERROR, EXIT_FINDINGS, EXIT_OK, scan_config
from deident.cli.walk import Item, blocked_mask, blocked_report, display, iter_files, masked_folders
from deident.config import ScanConfig
from deident.errors import DeidentError
from deident.model import FileReport, MaskReport, Status

# Locals in a traceback would print document text: never show them.
app = typer.Typer(
    name="deident",
    help="Find and mask personal information in Chinese government content and attachments (先审后发).",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    pretty_exceptions_show_locals=False,
    add_completion=False,
)


class Fmt(str, Enum):
    table = "table"
    json = "json"
    jsonl = "jsonl"
    sarif = "sarif"


class MaskFmt(str, Enum):
    table = "table"
    json = "json"


PolicyOpt = Annotated[
    str, typer.Option("--policy", "-p", help="gov (default), hutool, court, strict, or a policy file.")
]
MinScoreOpt = Annotated[
    float, typer.Option("--min-score", min=0.0, max=1.0, help="Report findings scored at least this.")
]
EntitiesOpt = Annotated[
    str | None,
    typer.Option("--entities", "-e", help="Comma-separated entity types to look for (default: all)."),
]
JobsOpt = Annotated[int, typer.Option("--jobs", "-j", min=1, help="Worker processes for many files.")]
ModelOpt = Annotated[
    bool,
    typer.Option(
        "--model",
        help="Send every sentence to the name model, not only those with a cue (best recall on news and social text; several times slower).",
    ),
]
OfficialsOpt = Annotated[
    bool,
    typer.Option(
        "--flag-officials", help="Also report officials named in appointment and leadership notices."
    ),
]
VerifyOpt = Annotated[
    str | None,
    typer.Option("--verify", help="'ocr': add OCR of rendered PDF pages to the second reading (slow)."),
]
ProgressOpt = Annotated[
    bool | None,
    typer.Option("--progress/--no-progress", help="Progress bar on stderr (default: on a terminal)."),
]


# --- worker processes -------------------------------------------------------------------

_WORKER: dict[str, object] = {}


def _init_worker(config: ScanConfig, policy: str | None) -> None:
    from deident.api import engine_for, policy_for

    _WORKER["config"] = config
    _WORKER["engine"] = engine_for(config)
    if policy is not None:
        _WORKER["policy"] = policy_for(policy)


def _scan_one(args: tuple[str, str, str | None]) -> FileReport:
    from deident.pipeline import scan_path

    path, shown, problem = args
    if problem:  # a FIFO, device, unlistable folder…: blocked before anything opens it
        return blocked_report(path, shown, problem)
    return scan_path(Path(path), _WORKER["config"], engine=_WORKER["engine"], display_path=shown)  # type: ignore[arg-type]


def _mask_one(args: tuple[str, str, str, str | None]) -> MaskReport:
    from deident.pipeline import mask_path

    src, dst, shown, problem = args
    if problem:
        return blocked_mask(src, shown, problem)
    cfg, eng, pol = _WORKER["config"], _WORKER["engine"], _WORKER["policy"]
    return mask_path(Path(src), Path(dst), cfg, pol, engine=eng, display_path=shown)  # type: ignore[arg-type]


def _run(
    fn: Callable, jobs: list, init_args: tuple, workers: int, progress: bool | None, label: str
) -> Iterator:
    """Run `fn` over `jobs` in this process or in `workers` processes, with a progress bar."""
    show = progress if progress is not None else (sys.stderr.isatty() and len(jobs) > 1)
    if workers > 1 and len(jobs) > 1:
        pool = ProcessPoolExecutor(workers, initializer=_init_worker, initargs=init_args)
        results = pool.map(fn, jobs, chunksize=8)
    else:
        pool = None
        _init_worker(*init_args)
        results = map(fn, jobs)
    try:
        if show:
            from rich.console import Console
            from rich.progress import track

            yield from track(
                results, total=len(jobs), description=label, console=Console(stderr=True), transient=True
            )
        else:
            yield from results
    finally:
        if pool is not None:
            pool.shutdown()


# --- commands ---------------------------------------------------------------------------


@app.command(epilog="Example: deident scan uploads/ --format json --redact > report.json")
def scan(
    paths: Annotated[list[Path], typer.Argument(help="Files or folders (scanned recursively).")],
    fmt: Annotated[
        Fmt | None, typer.Option("--format", "-f", help="Default: table on a terminal, json otherwise.")
    ] = None,
    redact: Annotated[
        bool, typer.Option("--redact", help="Show the masked form instead of the matched text.")
    ] = False,
    show_values: Annotated[
        bool,
        typer.Option("--show-values", help="Show the values themselves in the table (masked by default)."),
    ] = False,
    policy: PolicyOpt = "gov",
    min_score: MinScoreOpt = 0.5,
    entities: EntitiesOpt = None,
    model: ModelOpt = False,
    flag_officials: OfficialsOpt = False,
    verify: VerifyOpt = None,
    jobs: JobsOpt = 1,
    progress: ProgressOpt = None,
) -> None:
    """Report personal data in files. Exit 0 when every file is clean, 1 when anything was found or blocked."""
    from deident.api import policy_for

    config = scan_config(min_score, entities, model, flag_officials, verify)
    pol = policy_for(policy)  # an unknown policy is a usage error (exit 2), with or without --redact
    redactor = pol.replacement if redact else None
    skipped: dict[str, int] = {}  # tool folders not scanned -> files they hold
    items = list(iter_files(paths, skipped=skipped))
    work = [(str(i.path), display(i.path), i.problem) for i in items]
    fmt = fmt or (Fmt.table if sys.stdout.isatty() else Fmt.json)
    reports: list[FileReport] = []
    for report in _run(_scan_one, work, (config, None), jobs, progress, "scanning"):
        reports.append(report)
        if fmt is Fmt.jsonl:
            print(render.scan_jsonl_line(report, redactor), flush=True)
    if fmt is Fmt.json:
        doc = render.scan_json(reports, redactor)
        if skipped:
            doc["skipped"] = skipped
        print(json.dumps(doc, ensure_ascii=False, indent=2))
    elif fmt is Fmt.sarif:
        print(json.dumps(render.sarif(reports, redactor, Path.cwd()), ensure_ascii=False, indent=2))
    elif fmt is Fmt.table:
        # A terminal shows values masked unless asked: a screen is seen over shoulders.
        render.scan_table(reports, None if show_values else pol.replacement, sys.stdout)
    raise typer.Exit(EXIT_OK if all(r.status is Status.CLEAN for r in reports) else EXIT_FINDINGS)


def _mask_targets(sources: Sequence[Path], out: Path | None, in_place: bool) -> list[tuple[Item, Path]]:
    if in_place == (out is not None):
        raise typer.BadParameter("give exactly one of --out DIR or --in-place")
    items = list(iter_files(list(sources), exclude=out))
    if in_place:
        return [(i, i.path) for i in items]
    assert out is not None
    out_resolved = out.resolve()
    for s in sources:
        if s.is_file() and s.resolve().parent == out_resolved:
            raise typer.BadParameter(
                "--out must not be the folder of the source file: that would overwrite it"
            )
        if s.is_dir() and s.resolve() == out_resolved:
            raise typer.BadParameter(
                "--out must not be the source folder itself; use --in-place to mask in place"
            )
    return [(i, out / i.relative) for i in items]


@app.command(epilog="Example: deident mask uploads/ --out masked/ --policy gov")
def mask(
    sources: Annotated[list[Path], typer.Argument(help="Files or folders to mask.")],
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Write masked copies here, mirroring the tree.")
    ] = None,
    in_place: Annotated[
        bool, typer.Option("--in-place", help="Overwrite the sources with their masked copies.")
    ] = False,
    policy: PolicyOpt = "gov",
    min_score: MinScoreOpt = 0.5,
    entities: EntitiesOpt = None,
    model: ModelOpt = False,
    fmt: Annotated[
        MaskFmt | None, typer.Option("--format", "-f", help="Default: table on a terminal, json otherwise.")
    ] = None,
    flag_officials: OfficialsOpt = False,
    verify: VerifyOpt = None,
    jobs: JobsOpt = 1,
    progress: ProgressOpt = None,
    keep_cleared: Annotated[
        bool,
        typer.Option(
            "--keep-cleared",
            help="Leave readable the values a reviewer decided are not personal data (`deident decide --not-pii`, read from the ledger) and carry those decisions to the copies.",
        ),
    ] = False,
    ledger: Annotated[Path | None, typer.Option("--ledger", help="Ledger file for --keep-cleared.")] = None,
    key_file: Annotated[
        Path | None, typer.Option("--key-file", help="HMAC key file for --keep-cleared.")
    ] = None,
) -> None:
    """Write masked copies. Sources are never touched unless --in-place. A file that cannot be
    masked safely is not written, is listed with its reason, and makes the exit code 1."""
    from deident.api import policy_for

    config = scan_config(min_score, entities, model, flag_officials, verify)
    policy_for(policy)  # fail early on a bad policy file
    targets = _mask_targets(sources, out, in_place)
    if out is not None:  # personal data in folder names: the copies go to masked folders
        targets = masked_folders(targets, out, config, policy)
    work = [(str(i.path), str(dst), display(i.path), i.problem) for i, dst in targets]
    if keep_cleared:
        from deident.cli.cleared import mask_cleared

        results = mask_cleared(work, config, policy, ledger, key_file)
    else:
        results = list(_run(_mask_one, work, (config, policy), jobs, progress, "masking"))
    fmt = fmt or (MaskFmt.table if sys.stdout.isatty() else MaskFmt.json)
    if fmt is MaskFmt.json:
        print(json.dumps(render.mask_json(results), ensure_ascii=False, indent=2))
    else:
        render.mask_table(results, sys.stdout)
    raise typer.Exit(EXIT_OK if all(m.ok for m in results) else EXIT_FINDINGS)


@app.command(epilog="Example: deident recognizers --format json")
def recognizers(
    fmt: Annotated[MaskFmt, typer.Option("--format", "-f")] = MaskFmt.table,
    policy: PolicyOpt = "gov",
) -> None:
    """List the recognizers, each with an example and its masked form."""
    from deident.api import engine_for, policy_for
    from deident.masking.rewrite import apply

    engine = engine_for()
    pol = policy_for(policy)
    rows = []
    for spec in engine.specs:
        example = next((e for e in spec.examples if e.expect is not None), None)
        masked = apply(example.text, engine.analyze(example.text), pol) if example else ""
        rows.append(
            {
                "id": spec.id,
                "entity_type": spec.entity,
                "kind": spec.kind,
                "description": spec.description,
                "example": example.text if example else "",
                "masked": masked,
            }
        )
    if fmt is MaskFmt.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(title="deident recognizers")
    for col in ("id", "entity", "example", f"masked ({pol.name})"):
        table.add_column(col, overflow="fold")
    for r in rows:
        table.add_row(r["id"], r["entity_type"], r["example"], r["masked"])
    Console(highlight=False).print(table)


def _register_optional() -> None:
    """Commands of the review workflow live in their own module."""
    try:
        from deident.cli import workflow
    except ModuleNotFoundError as exc:
        if exc.name != "deident.cli.workflow":
            raise
        return
    workflow.register(app)
    from deident.cli import serve

    serve.register(app)


_register_optional()
from deident.cli import patrol as _patrol  # noqa: E402  (the command lives in its own module)

_patrol.register(app)


@app.callback()
def _options(
    lang: Annotated[
        str | None,
        typer.Option(
            "--lang", help="Language of messages: zh or en (default: from the locale, zh_* is Chinese)."
        ),
    ] = None,
) -> None:
    # main() takes --lang from anywhere on the command line before the commands run (so that
    # --help is translated too); this declares it for --help and for callers of `app` itself.
    if lang is not None:
        i18n.use(lang)


spark_cli.register(app)  # deident spark-scan (pyspark is imported only when it runs)


def main() -> None:
    try:
        wanted, argv = i18n.take_lang(sys.argv[1:])
        try:
            i18n.use(wanted)
        except ValueError as exc:
            print(f"deident: {exc}", file=sys.stderr)
            sys.exit(EXIT_ERROR)
        command = typer.main.get_command(app)
        i18n.translate_command(command, i18n.tr())
        i18n.translate_framework(i18n.tr())
        # Without standalone mode click returns the exit code instead of raising it.
        rc = command.main(args=argv, prog_name="deident", standalone_mode=False)
        sys.exit(rc if isinstance(rc, int) else EXIT_OK)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except typer.Abort:
        sys.exit(EXIT_ERROR)
    except Exception as exc:
        # typer vendors its own click, so usage errors are recognised by their shape.
        if type(exc).__name__ == "NoArgsIsHelpError":
            sys.exit(EXIT_ERROR)
        show = getattr(exc, "show", None)
        if callable(show) and hasattr(exc, "exit_code"):
            show()
            sys.exit(EXIT_ERROR)
        if isinstance(exc, DeidentError):
            print(f"deident: {exc}", file=sys.stderr)
            sys.exit(EXIT_ERROR)
        if os.environ.get("DEIDENT_DEBUG"):
            raise
        # Never a traceback: it could quote document text. DEIDENT_DEBUG=1 shows it.
        print(
            f"deident: internal error ({type(exc).__name__}); rerun with DEIDENT_DEBUG=1 for details",
            file=sys.stderr,
        )
        sys.exit(EXIT_ERROR)


if __name__ == "__main__":
    main()
