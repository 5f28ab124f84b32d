"""`deident patrol`: the daily 读网 of a published site. Output and exit codes as `scan`."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

if TYPE_CHECKING:
    from deident.patrol.model import PatrolResult
    from deident.patrol.report import Unreviewed


def _log(msg: str) -> None:
    # URLs and counts only: nothing read from a page is ever logged.
    typer.echo(f"deident patrol: {msg}", err=True)


def _ledger_index(ledger: Path, key_file: Path | None) -> Any:
    from deident.review.decisions import LedgerIndex
    from deident.review.keys import load_key
    from deident.review.ledger import Ledger

    if not ledger.exists():
        raise typer.BadParameter(f"no ledger at {ledger}", param_hint="--ledger")
    led = Ledger(ledger, load_key(key_file, create=False))
    return LedgerIndex.build(led.entries())


def _scan_config(min_score: float, entities: str | None) -> Any:
    # As `scan` builds it (cli/app.py is not imported: it registers this module).
    from deident.config import ScanConfig
    from deident.detection.spec import load_specs

    wanted = None
    if entities:
        wanted = frozenset(e.strip().upper() for e in entities.split(",") if e.strip())
        unknown = wanted - {s.entity for s in load_specs()}
        if unknown:
            raise typer.BadParameter(
                f"unknown entity type(s): {', '.join(sorted(unknown))}", param_hint="--entities"
            )
    return ScanConfig(min_score=min_score, entities=wanted)


def _redactor(policy: str) -> Any:
    from deident.api import policy_for

    return policy_for(policy).replacement


def _sarif(result: PatrolResult, redact: Any) -> dict[str, Any]:
    from deident.patrol.report import evidence_free
    from deident.review.sarif import _uri, sarif_log

    reports = [evidence_free(r.report) for r in result.resources]
    log = sarif_log(reports, root=Path.cwd(), redact=redact)
    # SARIF URIs of web resources are the URLs themselves.
    urls = {_uri(r.url, Path.cwd()): r.url for r in result.resources}
    run = log["runs"][0]
    for item in [*run["results"], *run["invocations"][0]["toolExecutionNotifications"]]:
        for loc in item.get("locations", []):
            art = loc["physicalLocation"]["artifactLocation"]
            art["uri"] = urls.get(art["uri"], art["uri"])
    return log


def _section_table(doc: dict[str, Any]) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console(highlight=False, soft_wrap=False, width=None if sys.stdout.isatty() else 200)
    table = Table(title="deident patrol: sections (栏目)")
    for col in (
        "section",
        "resources",
        "pages",
        "attachments",
        "with findings",
        "findings",
        "blocked",
        "unreviewed",
        "new or changed",
    ):
        table.add_column(col)
    for s in doc["patrol"]["sections"]:
        table.add_row(
            s["section"],
            *(
                str(s[k])
                for k in ("resources", "pages", "attachments", "with_findings", "findings", "blocked")
            ),
            str(s["unreviewed"]) if doc["patrol"]["unreviewed"] is not None else "-",
            str(s["new_or_changed"]),
        )
    console.print(table)
    st = doc["patrol"]["stats"]
    console.print(
        f"{st['resources']} resources, {st['requests']} requests ({st['conditional_requests']} conditional, "
        f"{st['not_modified']} not modified), {st['bytes']} bytes, {st['new']} new, {st['changed']} changed; "
        f"evidence: {doc['patrol']['warc']}"
    )
    for u in doc["patrol"]["unreviewed"] or []:
        console.print(f"[red]published without review[/]: {u['url']} ({u['reason']})")


def patrol(
    urls: Annotated[
        list[str] | None, typer.Argument(help="Start URLs of the site (its hosts bound the crawl).")
    ] = None,
    fmt: Annotated[
        str | None,
        typer.Option("--format", "-f", help="table, json, jsonl or sarif (default: table on a terminal)."),
    ] = None,
    out: Annotated[
        Path, typer.Option("--out", "-o", help="Folder for the run's WARC and report.html.")
    ] = Path("patrol"),
    state: Annotated[
        Path | None, typer.Option("--state", help="Folder of the incremental state (validators, verdicts).")
    ] = None,
    max_pages: Annotated[int, typer.Option("--max-pages", min=1, help="Resources fetched at most.")] = 10_000,
    max_depth: Annotated[int, typer.Option("--max-depth", min=0, help="Link hops from a start URL.")] = 20,
    max_bytes: Annotated[
        int, typer.Option("--max-bytes", min=1, help="Bytes downloaded at most in this run.")
    ] = 2 * 1024**3,
    max_file_bytes: Annotated[
        int, typer.Option("--max-file-bytes", min=1, help="One resource at most; larger ones are blocked.")
    ] = 100 * 1024**2,
    delay: Annotated[
        float, typer.Option("--delay", min=0.0, help="Seconds between requests to one host.")
    ] = 1.0,
    timeout: Annotated[float, typer.Option("--timeout", min=0.1, help="Seconds per connect or read.")] = 30.0,
    retries: Annotated[
        int, typer.Option("--retries", min=0, help="Retries after timeouts, 429 and 5xx.")
    ] = 2,
    user_agent: Annotated[
        str, typer.Option("--user-agent", help="User-Agent (robots.txt rules match it).")
    ] = "",
    allow_host: Annotated[
        list[str] | None, typer.Option("--allow-host", help="Another host the crawl may fetch from (repeat).")
    ] = None,
    ignore_robots: Annotated[
        bool,
        typer.Option(
            "--ignore-robots", help="The site's own operators only: fetch what robots.txt disallows (logged)."
        ),
    ] = False,
    sitemaps: Annotated[
        bool, typer.Option("--sitemaps/--no-sitemaps", help="Read robots.txt Sitemap lines.")
    ] = True,
    images: Annotated[bool, typer.Option("--images", help="Also fetch <img> pictures and OCR them.")] = False,
    section_depth: Annotated[
        int, typer.Option("--section-depth", min=1, help="Path segments naming a 栏目.")
    ] = 1,
    ledger: Annotated[
        Path | None, typer.Option("--ledger", help="Review ledger: report resources never approved.")
    ] = None,
    key_file: Annotated[Path | None, typer.Option("--key-file", help="HMAC key of the ledger.")] = None,
    require_approvals: Annotated[int, typer.Option("--require-approvals", min=1)] = 1,
    redact: Annotated[
        bool, typer.Option("--redact", help="Show the masked form instead of the value.")
    ] = False,
    policy: Annotated[
        str, typer.Option("--policy", "-p", help="gov, hutool, court, strict or a file.")
    ] = "gov",
    min_score: Annotated[float, typer.Option("--min-score", min=0.0, max=1.0)] = 0.5,
    entities: Annotated[
        str | None, typer.Option("--entities", "-e", help="Comma-separated entity types.")
    ] = None,
    resource_timeout: Annotated[
        float,
        typer.Option("--resource-timeout", min=0.1, help="Seconds for one whole answer (slow servers)."),
    ] = 600.0,
    max_seconds: Annotated[
        float | None, typer.Option("--max-seconds", min=1.0, help="Take no new resource after this long.")
    ] = None,
    insecure: Annotated[
        bool,
        typer.Option(
            "--insecure", help="Accept invalid TLS certificates (logged; for sites that have them)."
        ),
    ] = False,
    replay: Annotated[
        list[Path] | None,
        typer.Option(
            "--replay", help="Read these WARC files instead of the site: no request is made (repeat)."
        ),
    ] = None,
) -> None:
    """Crawl a published site (pages, sitemaps, attachments behind download URLs) and scan
    everything with the same pipeline as `scan`. Exit 0 when all is clean (and approved, with
    --ledger), 1 when anything was found, blocked or published without review."""
    from deident.cli import render

    try:
        from deident.patrol import PatrolConfig
        from deident.patrol import patrol as run_patrol
    except ModuleNotFoundError as exc:
        typer.echo(f"deident patrol needs {exc.name}: pip install 'deident[patrol]'", err=True)
        raise typer.Exit(2) from exc
    from deident.patrol.report import annotate, exit_code, unreviewed
    from deident.patrol.urls import canonical

    if not user_agent.isascii():
        raise typer.BadParameter("an HTTP header must be ASCII", param_hint="--user-agent")
    if fmt not in (None, "table", "json", "jsonl", "sarif"):
        raise typer.BadParameter("choose table, json, jsonl or sarif", param_hint="--format")
    if bool(urls) == bool(replay):
        raise typer.BadParameter("give start URLs or --replay WARC files (not both)")
    seeds = []
    for u in urls or ():
        c = canonical(u)
        if c is None:
            raise typer.BadParameter(f"not an http(s) URL: {u}", param_hint="URLS")
        seeds.append(c)
    index = _ledger_index(ledger, key_file) if ledger is not None else None
    cfg = PatrolConfig(
        seeds=tuple(seeds),
        allowed_hosts=frozenset(allow_host or ()),
        max_pages=max_pages,
        max_depth=max_depth,
        max_bytes=max_bytes,
        max_resource_bytes=max_file_bytes,
        delay=delay,
        timeout=timeout,
        resource_timeout=resource_timeout,
        retries=retries,
        user_agent=user_agent,
        obey_robots=not ignore_robots,
        use_sitemaps=sitemaps,
        follow_images=images,
        section_depth=section_depth,
        max_seconds=max_seconds,
        verify_tls=not insecure,
        policy=policy,
        scan=_scan_config(min_score, entities),
    )
    masked_form = _redactor(policy)  # a bad policy file fails here, before any request
    redactor = masked_form if redact else None
    if insecure:
        _log("TLS certificates are NOT verified for this run (--insecure)")
    if replay:
        from deident.patrol.replay import replay as run_replay

        missing = [str(w) for w in replay if not w.is_file()]
        if missing:
            raise typer.BadParameter(f"no such WARC file: {', '.join(missing)}", param_hint="--replay")
        result = run_replay(list(replay), cfg)
    else:
        result = run_patrol(cfg, out_dir=out, state_dir=state, log=_log)
    unrev: list[Unreviewed] | None = unreviewed(result.resources, index, require_approvals) if index else None
    doc = annotate(
        render.scan_json([r.report for r in result.resources], redactor), result, seeds=seeds, unrev=unrev
    )
    from deident.patrol.html import write_report

    write_report(doc, out / "report.html")
    fmt = fmt or ("table" if sys.stdout.isatty() else "json")
    if fmt == "json":
        print(json.dumps(doc, ensure_ascii=False, indent=2))
    elif fmt == "jsonl":
        for r in result.resources:
            line = json.loads(render.scan_jsonl_line(r.report, redactor))
            line["section"] = r.section
            print(json.dumps(line, ensure_ascii=False))
        print(json.dumps({"summary": doc["summary"], "patrol": doc["patrol"]}, ensure_ascii=False))
    elif fmt == "sarif":
        print(json.dumps(_sarif(result, redactor), ensure_ascii=False, indent=2))
    else:
        render.scan_table([r.report for r in result.resources], redactor, sys.stdout)
        _section_table(doc)
    raise typer.Exit(exit_code(result, unrev))


def register(app: typer.Typer) -> None:
    app.command(
        "patrol",
        epilog="Example: deident patrol https://www.example.gov.cn/ --state .patrol-state --out patrol/ "
        "--ledger .deident/ledger.jsonl --format json > patrol.json",
    )(patrol)
