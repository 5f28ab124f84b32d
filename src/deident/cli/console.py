"""`deident review PATH... --serve` and the console of `deident serve`: build the console's
state from command-line choices and run it."""

from __future__ import annotations

import sys
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from deident.review.ledger import Ledger


def console_state(
    paths: Sequence[Path], *, publish: Path, policy: str, require_approvals: int, ledger: Ledger, root: Path
):  # type: ignore[no-untyped-def]
    from deident.config import ScanConfig
    from deident.service.console import ConsoleState

    return ConsoleState(
        tuple(paths),
        publish_dir=publish,
        ledger=ledger,
        root=root,
        config=ScanConfig(),
        policy_name=policy,
        required=require_approvals,
    )


def serve_review(
    paths: Sequence[Path],
    *,
    publish: Path,
    port: int,
    reviewer: str | None,
    open_browser: bool,
    policy: str,
    require_approvals: int,
    ledger: tuple[Ledger, Path],
) -> int:
    from deident.service.console import Console
    from deident.service.console.local import make_local_server

    led, root = ledger
    state = console_state(
        paths, publish=publish, policy=policy, require_approvals=require_approvals, ledger=led, root=root
    )
    print("deident: 正在检查文件 / scanning files …", file=sys.stderr, flush=True)
    files = state.refresh()
    state.warm_up(files)
    console = Console(state, local=True, reviewer=reviewer)
    srv = make_local_server(console, "127.0.0.1", port)
    h, p = srv.server_address[:2]
    url = console.launch_url(str(h), int(p))
    print(
        f"deident: 审核台已启动（{len(files)} 个文件）/ reviewer console ready ({len(files)} files):\n  {url}\n"
        "按 Ctrl+C 结束 / Ctrl+C to stop",
        file=sys.stderr,
        flush=True,
    )
    if open_browser:
        import webbrowser

        threading.Thread(target=webbrowser.open, args=(url,), daemon=True).start()
    try:
        srv.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        srv.server_close()
        state.close()
    return 0


def mount_console(
    server: Any,
    paths: Sequence[Path],
    *,
    publish: Path,
    policy: str,
    ledger: Ledger,
    root: Path,
    tokens: dict[str, str],
) -> None:
    """`deident serve --review DIR`: the console at /review/ of the HTTP service, reviewers
    logging in with their tokens. The uploads are scanned while the first one logs in."""
    from deident.service.console import Console

    state = console_state(
        paths, publish=publish, policy=policy, require_approvals=1, ledger=ledger, root=root
    )
    server.console = Console(state, tokens=tokens)
    threading.Thread(target=lambda: state.warm_up(state.refresh()), daemon=True).start()
