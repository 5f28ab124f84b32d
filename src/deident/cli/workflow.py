"""先审后发 commands: review, decide, approve, gate, ledger verify (serve: cli/serve.py).

The library raises; this module turns errors into messages and exit codes:
0 nothing stops publication, 1 findings / blocked / refused, 2 usage or internal error.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer

from deident.cli.i18n import _, lang, tr
from deident.cli.render import blocked_why, gate_why
from deident.errors import DeidentError
from deident.locale import terms

if TYPE_CHECKING:  # heavy modules are imported inside the commands, so `--help` stays fast
    from deident.config import ScanConfig
    from deident.detection.engine import Engine
    from deident.review.ledger import Ledger

LedgerOpt = Annotated[
    Path | None,
    typer.Option(
        "--ledger", help="Ledger file (env DEIDENT_LEDGER; default .deident/ledger.jsonl at the repo root)."
    ),
]
KeyOpt = Annotated[
    Path | None,
    typer.Option(
        "--key-file",
        help="HMAC key file, kept outside the repository (env DEIDENT_KEY_FILE; default ~/.config/deident/hmac.key).",
    ),
]
PolicyOpt = Annotated[
    str, typer.Option("--policy", help="Masking policy: gov, hutool, court, strict or a file.")
]
RequireOpt = Annotated[
    int, typer.Option("--require-approvals", min=1, help="Approvals from distinct reviewers a file needs.")
]


def _err(msg: str) -> None:
    typer.echo(msg, err=True)


def _fail(msg: str, code: int = 2) -> NoReturn:
    _err(msg)
    raise typer.Exit(code)


def _open_ledger(ledger: Path | None, key_file: Path | None) -> tuple[Ledger, Path]:
    from deident.review.keys import load_key
    from deident.review.ledger import Ledger, default_ledger_path, find_root

    root = find_root()
    path = ledger or default_ledger_path()
    # A key inside a git repository would be committed next to the ledger it protects.
    forbid = root if (root / ".git").exists() else None
    key = load_key(key_file, forbid_under=forbid)
    return Ledger(path, key), root


def _config() -> ScanConfig:
    from deident.config import ScanConfig

    return ScanConfig()


def _engine(config: ScanConfig) -> Engine:
    from deident.api import engine_for

    return engine_for(config)


def _run(fn: Callable[[], int]) -> int:
    """Library errors become a message and exit code 2; never a traceback with document text."""
    try:
        return fn()
    except typer.Exit:
        raise
    except BrokenPipeError:
        # Output piped into `head`: stop quietly, and fail closed (the verdict was not all read).
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - keeps the interpreter's final flush quiet
        return 1
    except (DeidentError, ValueError) as exc:
        _fail(f"error: {exc}")
    except OSError as exc:
        _fail(f"error: {type(exc).__name__}: {exc.strerror or ''} {exc.filename or ''}".rstrip())


def review(
    paths: Annotated[list[Path], typer.Argument(help="Files or directories to review.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Where to write the HTML report.")] = Path(
        "deident-review.html"
    ),
    policy: PolicyOpt = "gov",
    require_approvals: RequireOpt = 1,
    ledger: LedgerOpt = None,
    key_file: KeyOpt = None,
    serve_console: Annotated[
        bool,
        typer.Option(
            "--serve", help="Open the reviewer console in a browser (127.0.0.1, one reviewer) instead."
        ),
    ] = False,
    publish: Annotated[
        Path,
        typer.Option("--publish", help="With --serve: approved files are copied here (gate this folder)."),
    ] = Path("publish"),
    port: Annotated[int, typer.Option("--port", help="With --serve: port (0 picks a free one).")] = 0,
    reviewer: Annotated[
        str | None,
        typer.Option(
            "--reviewer", help="With --serve: your name (default: your account file, or asked once)."
        ),
    ] = None,
    open_browser: Annotated[
        bool, typer.Option("--open/--no-open", help="With --serve: open the browser.")
    ] = True,
) -> None:
    """Write a self-contained HTML review report (opens offline in any browser), or with
    --serve open the reviewer console: decide and approve in the browser, in Chinese.

    Example: deident review 上传目录/ --out ../审核报告.html   ·   deident review 上传目录/ --serve
    """
    if serve_console:
        from deident.cli.console import serve_review

        raise typer.Exit(
            _run(
                lambda: serve_review(
                    paths,
                    publish=publish,
                    port=port,
                    reviewer=reviewer,
                    open_browser=open_browser,
                    policy=policy,
                    require_approvals=require_approvals,
                    ledger=_open_ledger(ledger, key_file),
                )
            )
        )

    def go() -> int:
        from deident.api import policy_for
        from deident.pipeline import scan_path
        from deident.review.collect import collect
        from deident.review.decisions import LedgerIndex
        from deident.review.files import display_path, iter_files
        from deident.review.report_html import render, summary

        led, root = _open_ledger(ledger, key_file)
        config = _config()
        engine = _engine(config)
        pol = policy_for(policy)
        index = LedgerIndex.build(led.entries())
        items, notes = [], []
        for p in iter_files(paths, notes=notes):
            rep = scan_path(p, config, engine=engine, display_path=display_path(p, root))
            items.append(collect(p, rep, config=config, policy=pol, index=index, key=led.key))
        for note in notes:
            _err(f"review: {note}")
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(render(items, policy=policy, required=require_approvals), encoding="utf-8")
        if (root / ".git").exists() and out.resolve().is_relative_to(root):
            _err(
                _(
                    "note: the report holds the unmasked values and is inside the repository {root}; keep it out of commits (write it to ../ or an ignored folder)"
                ).format(root=root)
            )
        s = summary(items, require_approvals)
        _err(
            _(
                "{files} file(s): {clean} clean, {findings} with findings, {blocked} blocked; "
                "{unreviewed} finding(s) to review. Report: {out}"
            ).format(**s, out=out)
        )
        return 1 if s["blocked"] or s["unreviewed"] or s["confirmed"] else 0

    raise typer.Exit(_run(go))


def decide(
    file: Annotated[Path, typer.Argument(help="The file the findings are in.")],
    finding: Annotated[
        list[str] | None,
        typer.Option("--finding", "-f", help="Finding id (from the review report); repeatable."),
    ] = None,
    not_pii: Annotated[bool, typer.Option("--not-pii", help="The finding is not personal data.")] = False,
    confirm: Annotated[
        bool, typer.Option("--confirm", help="The finding is personal data (it must be masked).")
    ] = False,
    reason: Annotated[str | None, typer.Option("--reason", help="Why (required with --not-pii).")] = None,
    reviewer: Annotated[str | None, typer.Option("--reviewer", help="Your name.")] = None,
    ledger: LedgerOpt = None,
    key_file: KeyOpt = None,
) -> None:
    """Record a reviewer's decision on findings; without --finding, list the findings and their ids.

    Example: deident decide 通知.docx --finding 3f2a9c0d1e2b4a5c --not-pii --reason "公开的单位电话" --reviewer 王芳
    """

    def go() -> int:
        from deident.api import policy_for
        from deident.pipeline import scan_path
        from deident.review.decisions import LedgerIndex, record_decisions, review_findings
        from deident.review.files import display_path
        from deident.walker import PathNotFound

        led, root = _open_ledger(ledger, key_file)
        config = _config()
        engine = _engine(config)
        shown = display_path(file, root)
        if not os.path.lexists(file):
            raise PathNotFound(file)
        rep = scan_path(file, config, engine=engine, display_path=shown)
        if rep.status.value == "blocked":
            _fail(
                _("{path}: blocked: {reason}").format(path=shown, reason=blocked_why(rep.reason, rep.detail)),
                1,
            )
        if not finding:
            pol = policy_for("gov")
            rows = review_findings(rep, LedgerIndex.build(led.entries()), led.key)
            for r in rows:
                f = r.finding
                label = terms.entity(tr(), f.entity_type) if lang() == "zh" else f"{f.entity_type:<17}"
                where = terms.place(tr(), f.location)
                typer.echo(
                    f"{r.id}  {label} {pol.replacement(f)}  {where}  [{terms.status(tr(), r.state) if lang() == 'zh' else r.state}]"
                )
            if not rows:
                typer.echo(_("{path}: no findings").format(path=shown))
            return 0
        if not_pii == confirm:
            _fail(_("choose exactly one of --not-pii or --confirm"))
        if not reviewer:
            _fail(_("--reviewer is required"))
        if reason and engine.analyze(reason):
            # The reason goes into the ledger: it must not carry the personal data itself.
            _fail(_("the --reason contains personal data; describe the finding without quoting it"))
        entries = record_decisions(
            led,
            rep,
            finding,
            verdict="not_pii" if not_pii else "confirmed",
            reviewer=reviewer,
            reason=reason,
            path=shown,
            engine=engine,
        )
        for e in entries:
            typer.echo(
                _("recorded {verdict} for finding {finding} in {path}").format(
                    verdict=terms.status(tr(), e["verdict"]) if lang() == "zh" else e["verdict"],
                    finding=e["finding"],
                    path=shown,
                )
            )
        return 0

    raise typer.Exit(_run(go))


def approve(
    files: Annotated[list[Path], typer.Argument(help="Files to approve (their exact bytes).")],
    reviewer: Annotated[str, typer.Option("--reviewer", help="Your name.")],
    policy: PolicyOpt = "gov",
    require_approvals: RequireOpt = 1,
    ledger: LedgerOpt = None,
    key_file: KeyOpt = None,
) -> None:
    """Approve files for publication, bound to their current sha256.

    Refuses blocked files and files with findings not marked as not personal data.
    Example: deident approve 脱敏/名单.xlsx --reviewer 王芳 --require-approvals 2
    """

    def go() -> int:
        from deident.api import policy_for
        from deident.review.approve import ApprovalRefused, approve_file
        from deident.review.files import iter_files

        policy_for(policy)  # an unknown policy name is a usage error, before anything is recorded
        led, root = _open_ledger(ledger, key_file)
        config = _config()
        engine = _engine(config)
        code, notes = 0, []
        for p in iter_files(files, notes=notes):
            try:
                o = approve_file(
                    p,
                    ledger=led,
                    config=config,
                    reviewer=reviewer,
                    policy=policy,
                    require_approvals=require_approvals,
                    engine=engine,
                    root=root,
                )
            except ApprovalRefused as exc:
                _err(_("refused {path}: {reason}").format(path=exc.path, reason=exc.reason))
                code = 1
                continue
            state = (
                _("approved")
                if o.complete
                else _("approval {n} of {m}").format(n=len(o.reviewers), m=o.required)
            )
            typer.echo(
                _("{state}: {path} sha256={sha}… by {reviewers}").format(
                    state=state, path=o.path, sha=o.sha256[:16], reviewers=", ".join(o.reviewers)
                )
            )
        for note in notes:
            _err(f"approve: {note}")
        return code

    raise typer.Exit(_run(go))


def gate(
    paths: Annotated[list[Path], typer.Argument(help="Files or directories about to be published.")],
    require_approvals: RequireOpt = 1,
    fmt: Annotated[str, typer.Option("--format", help="table or json")] = "table",
    ledger: LedgerOpt = None,
    key_file: KeyOpt = None,
) -> None:
    """Exit 0 only if every file is approved at its current sha256; otherwise list why not, exit 1.

    Example: deident gate 待发布/
    """

    def go() -> int:
        from deident.review.gate import gate_paths

        if fmt not in ("table", "json"):
            _fail("--format must be table or json")
        led, root = _open_ledger(ledger, key_file)
        notes: list[str] = []
        verdicts = gate_paths(paths, ledger=led, require_approvals=require_approvals, root=root, notes=notes)
        for note in notes:
            _err(f"gate: {note}")
        blocked = [v for v in verdicts if not v.approved]
        if not verdicts:
            _err(_("gate: no files under the given paths; nothing can be cleared"))
        if fmt == "json":
            doc = {
                "version": 1,
                "files": [v.to_dict() for v in verdicts],
                "summary": {
                    "files": len(verdicts),
                    "approved": len(verdicts) - len(blocked),
                    "blocked": len(blocked),
                },
            }
            typer.echo(json.dumps(doc, ensure_ascii=False, indent=2))
        else:
            for v in blocked:
                typer.echo(_("BLOCKED  {path}: {reason}").format(path=v.path, reason=gate_why(v.reason)))
            _err(
                _("gate: {approved} approved, {blocked} blocked").format(
                    approved=len(verdicts) - len(blocked), blocked=len(blocked)
                )
            )
        return 1 if blocked or not verdicts else 0

    raise typer.Exit(_run(go))


ledger_app = typer.Typer(help="Inspect the review ledger.", no_args_is_help=True)


@ledger_app.command("verify")
def ledger_verify(
    ledger: LedgerOpt = None,
    key_file: KeyOpt = None,
    expect_head: Annotated[
        str | None,
        typer.Option(
            "--expect-head",
            help="A head printed by an earlier verify: it must still be in the chain (detects entries cut from the end).",
        ),
    ] = None,
) -> None:
    """Check the ledger's hash chain and signatures; exit 1 on any edit, deletion or reorder.

    Example: deident ledger verify --expect-head 3f9a…  (the head recorded by the last release)
    """

    def go() -> int:
        led, _root = _open_ledger(ledger, key_file)
        v = led.verify()
        problems = list(v.problems)
        if v.ok and expect_head and expect_head not in {e["hash"] for e in led.entries()}:
            problems.append(
                f"the expected head {expect_head[:16]}… is not in the ledger (entries were removed)"
            )
        for p in problems:
            _err(f"{led.path}: {p}")
        status = "ok" if not problems else "FAILED"
        typer.echo(
            _("ledger {path}: {status}, {n} entries, head {head}").format(
                path=led.path, status=status, n=v.entries, head=v.head
            )
        )
        return 0 if not problems else 1

    raise typer.Exit(_run(go))


def register(app: typer.Typer) -> None:
    app.command("review")(review)
    app.command("decide")(decide)
    app.command("approve")(approve)
    app.command("gate")(gate)
    app.add_typer(ledger_app, name="ledger")
