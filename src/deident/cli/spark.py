"""`deident spark-scan`: the archive backlog as a PySpark job (deident.spark does the work).

Options are declared here rather than imported from app.py, so `python -m deident.spark` can load
this module before the app (which registers this command when it loads).
"""

from __future__ import annotations

import json
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

EPILOG = (
    "Example: deident spark-scan hdfs:///archive/2019 hdfs:///deident/2019 --master yarn --glob '*.pdf'. "
    "Also: spark-submit … $(python -c 'import deident.spark.__main__ as m; print(m.__file__)') INPUT OUTPUT"
)


class SummaryFmt(str, Enum):
    table = "table"
    json = "json"


def _conf(pairs: list[str]) -> dict[str, str]:
    out = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise typer.BadParameter(f"--conf takes KEY=VALUE, got {pair!r}")
        out[key.strip()] = value
    return out


def spark_scan(
    input_uri: Annotated[
        str, typer.Argument(help="Folder or file on any Hadoop filesystem (file:, hdfs:, s3a:).")
    ],
    output_uri: Annotated[str, typer.Argument(help="Parquet tables go to OUTPUT/files and OUTPUT/findings.")],
    master: Annotated[
        str | None,
        typer.Option("--master", help="Spark master (local[4], yarn, k8s://…); default: spark-submit's."),
    ] = None,
    policy: Annotated[
        str, typer.Option("--policy", "-p", help="gov (default), hutool, court, strict, or a policy file.")
    ] = "gov",
    glob: Annotated[
        str | None, typer.Option("--glob", help="Only file names matching this glob (e.g. '*.pdf').")
    ] = None,
    mask_to: Annotated[
        str | None, typer.Option("--mask-to", help="Write masked copies here, same relative paths.")
    ] = None,
    with_values: Annotated[
        bool, typer.Option("--with-values", help="Also store plaintext values (column `value`).")
    ] = False,
    rescan_blocked: Annotated[
        bool,
        typer.Option(
            "--rescan-blocked",
            help="Scan again the files an earlier run into OUTPUT blocked (e.g. after raising --timeout).",
        ),
    ] = False,
    timeout: Annotated[
        float, typer.Option("--timeout", min=1.0, help="Seconds per file before it is stopped and blocked.")
    ] = 300.0,
    max_memory_mb: Annotated[
        int | None, typer.Option("--max-memory-mb", min=64, help="Address-space limit of each file's scan.")
    ] = None,
    key_file: Annotated[
        Path | None, typer.Option("--key-file", help="HMAC key (default: $DEIDENT_KEY_FILE or ~/.config).")
    ] = None,
    min_score: Annotated[float, typer.Option("--min-score", min=0.0, max=1.0)] = 0.5,
    entities: Annotated[
        str | None, typer.Option("--entities", "-e", help="Comma-separated entity types.")
    ] = None,
    model: Annotated[
        bool,
        typer.Option(
            "--model",
            help="Send every sentence to the name model, not only those with a cue (best recall on news and social text; several times slower).",
        ),
    ] = False,
    flag_officials: Annotated[bool, typer.Option("--flag-officials")] = False,
    conf: Annotated[list[str], typer.Option("--conf", help="Spark setting KEY=VALUE (repeatable).")] = [],  # noqa: B006
    fmt: Annotated[SummaryFmt, typer.Option("--format", "-f")] = SummaryFmt.table,
) -> None:
    """Scan an archive with Spark: the verdicts of `deident scan`, file by file, into Parquet.
    A rerun into the same OUTPUT skips files already done. Exit 0 when every file is clean."""
    from deident.api import policy_for
    from deident.cli.options import EXIT_FINDINGS, EXIT_OK, scan_config
    from deident.review.keys import load_key
    from deident.spark.options import JobOptions

    config = scan_config(min_score, entities, model, flag_officials)
    policy_for(policy)  # fail early on a bad policy file
    settings = _conf(conf)
    try:
        from deident.spark.job import run
        from deident.spark.session import get_session
    except ModuleNotFoundError as exc:
        if exc.name and exc.name.startswith("pyspark"):
            raise typer.BadParameter(
                "spark-scan needs pyspark: pip install 'deident[spark]' (and Java 17+)"
            ) from exc
        raise
    opts = JobOptions(
        input_uri=input_uri,
        output_uri=output_uri,
        config=config,
        policy=policy,
        glob=glob,
        mask_to=mask_to,
        with_values=with_values,
        rescan_blocked=rescan_blocked,
        timeout_s=timeout,
        max_memory_bytes=max_memory_mb * 1024 * 1024 if max_memory_mb else None,
        key_secret=load_key(key_file).secret,
    )
    summary = run(get_session(master, settings), opts)
    if fmt is SummaryFmt.json:
        print(json.dumps(summary.to_dict(), ensure_ascii=False, indent=2))
    else:
        print(
            f"run {summary.run_id}: {summary.scanned} file(s) scanned, {summary.listed} listed; "
            f"clean {summary.clean}, with findings {summary.with_findings} ({summary.findings} findings), "
            f"blocked {summary.blocked}. Tables: {opts.files_uri()} {opts.findings_uri()}"
        )
    for note in summary.notes:
        print(f"deident: note: {note}", file=sys.stderr)
    raise typer.Exit(EXIT_OK if summary.with_findings == 0 and summary.blocked == 0 else EXIT_FINDINGS)


def register(app: typer.Typer) -> None:
    app.command("spark-scan", epilog=EPILOG)(spark_scan)
