"""`deident serve`: the HTTP API for CMSs and, with --review, the reviewer console."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from deident.cli.workflow import KeyOpt, LedgerOpt, PolicyOpt, _config, _err, _open_ledger, _run


def serve(
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Port (0 picks a free one).")] = 8700,
    token_file: Annotated[
        Path | None,
        typer.Option(
            "--token-file",
            help="Tokens for write endpoints, one 'reviewer=token' per line (env DEIDENT_TOKENS).",
        ),
    ] = None,
    max_upload_mb: Annotated[
        float, typer.Option("--max-upload-mb", help="Largest upload accepted (413 above).")
    ] = 50.0,
    workers: Annotated[int, typer.Option("--workers", min=1, help="Requests processed at once.")] = 4,
    policy: PolicyOpt = "gov",
    ledger: LedgerOpt = None,
    key_file: KeyOpt = None,
    review_dir: Annotated[
        list[Path] | None,
        typer.Option(
            "--review", help="Folder of uploads the reviewer console at /review/ offers (repeatable)."
        ),
    ] = None,
    publish: Annotated[
        Path, typer.Option("--publish", help="With --review: approved files are copied here.")
    ] = Path("publish"),
) -> None:
    """Serve the HTTP API for CMSs (findings, masked files, gate verdicts, approvals), and with
    --review the reviewer console at /review/ (reviewers log in with their token).

    Example: DEIDENT_TOKENS="王芳=s3cret" deident serve --host 127.0.0.1 --port 8700
    """

    def go() -> int:
        import logging

        from deident.service.auth import load_tokens
        from deident.service.server import ServiceConfig, make_server

        # Request lines only (method, path without query, status, size): see service/server.py.
        logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(asctime)s %(name)s %(message)s")
        led, root = _open_ledger(ledger, key_file)
        tokens = load_tokens(token_file, os.environ.get("DEIDENT_TOKENS"))
        cfg = ServiceConfig(
            scan=_config(),
            ledger=led,
            tokens=tokens,
            max_upload_bytes=int(max_upload_mb * 1024 * 1024),
            workers=workers,
            policy=policy,
        )
        srv = make_server(host, port, cfg)
        if review_dir:
            from deident.cli.console import mount_console

            mount_console(
                srv, review_dir, publish=publish, policy=policy, ledger=led, root=root, tokens=tokens
            )
            _err(f"deident serve: reviewer console at /review/ ({', '.join(map(str, review_dir))})")
        h, p = srv.server_address[:2]
        _err(f"deident serve: listening on http://{h}:{p} (OpenAPI at /openapi.json); {len(tokens)} token(s)")
        sys.stderr.flush()
        try:
            srv.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            srv.server_close()
        return 0

    raise typer.Exit(_run(go))


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)
