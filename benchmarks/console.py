"""How fast the reviewer console opens a file with many findings (target: 200 findings < 1 s).

    python benchmarks/console.py              # best of 5
    python benchmarks/console.py --runs 10 --rows 100

Builds an upload folder with a roster of `rows` people (4 findings each: name, ID number,
mobile, address; 200 findings by default) as .csv and as .xlsx, plus the bundled sample PDF
(pages shown as pictures), starts the console on 127.0.0.1 as `deident review --serve` does,
and times over real HTTP:

- add: scanning and masking the file when the queue first sees it (once per file version);
- open 1st: the first GET of the file's page, after the console's background warm-up (reading
  the places of the file and its masked copy, low-confidence candidates); --cold: without it;
- open: GET of the file's page (HTML: reading view, masked preview, every finding card);
- json: GET of the page's JSON twin;
- decide: one decision POST and the page it redirects to;
- picture: GET of the first page's picture (PDF rendered by PDFium).

Results go to benchmarks/results/console.json.
"""

from __future__ import annotations

import argparse
import http.client
import json
import platform
import random
import re
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "src"))

from tests.factories import pii  # noqa: E402

ADDRESSES = ("广东省深圳市南山区粤海街道科技路{}号", "浙江省杭州市西湖区三墩镇下洋村{}组25号")


def roster(rows: int, seed: int = 14) -> list[list[str]]:
    rng = random.Random(seed)
    out = [["户主姓名", "身份证号码", "联系电话", "家庭住址"]]
    for i in range(rows):
        name = rng.choice(pii.SURNAMES) + rng.choice(pii.GIVEN_CHARS) + rng.choice(pii.GIVEN_CHARS)
        out.append([name, pii.resident_id(rng), pii.mobile(rng), rng.choice(ADDRESSES).format(i + 1)])
    return out


def build(folder: Path, rows: int) -> None:
    import csv

    from openpyxl import Workbook

    folder.mkdir(parents=True)
    table = roster(rows)
    with (folder / "花名册.csv").open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(table)
    wb = Workbook()
    ws = wb.active
    ws.title = "名单"
    for r in table:
        ws.append(r)
    wb.save(folder / "花名册.xlsx")
    shutil.copy(ROOT / "corpora" / "samples" / "低保对象花名册.pdf", folder / "低保对象花名册.pdf")
    from tests.factories import pdf as pdf_factory

    if pdf_factory.have_soffice():  # a roster PDF from Word (pages drawn as pictures, a box per finding)
        with tempfile.TemporaryDirectory() as d:
            rows_ = pdf_factory.roster_rows(random.Random(14), rows)
            shutil.copy(pdf_factory.roster_pdf(Path(d), rows_), folder / "花名册.pdf")


class Client:
    def __init__(self, port: int) -> None:
        self.port, self.cookie = port, ""

    def call(self, method: str, path: str, form: dict[str, str] | None = None) -> tuple[int, bytes, dict]:
        c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        headers = {"Cookie": self.cookie} if self.cookie else {}
        body = None
        if form is not None:
            body = urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        c.request(method, path, body=body, headers=headers)
        r = c.getresponse()
        data = r.read()
        got = {k.lower(): v for k, v in r.getheaders()}
        c.close()
        if "set-cookie" in got:
            self.cookie = got["set-cookie"].split(";")[0]
        return r.status, data, got


def timed(fn, runs: int) -> float:  # type: ignore[no-untyped-def]
    best = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        best.append(time.perf_counter() - t)
    return min(best)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=50, help="people in the roster (4 findings each)")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--cold", action="store_true", help="open files without the background warm-up")
    args = ap.parse_args()

    from deident.review.keys import load_key
    from deident.review.ledger import Ledger
    from deident.service.console import Console, ConsoleState
    from deident.service.console.local import make_local_server

    with tempfile.TemporaryDirectory(prefix="deident-bench-console-") as d:
        tmp = Path(d)
        up = tmp / "repo" / "uploads"
        build(up, args.rows)
        (tmp / "repo" / ".git").mkdir()
        ledger = Ledger(tmp / "repo" / ".deident" / "ledger.jsonl", load_key(tmp / "keys" / "hmac.key"))
        adds = {}
        for f in sorted(up.iterdir()):
            one = ConsoleState((f,), publish_dir=tmp / "p1", ledger=ledger, root=tmp / "repo")
            t = time.perf_counter()
            one.refresh()
            adds[f.name] = time.perf_counter() - t
            one.close()
        state = ConsoleState((up,), publish_dir=tmp / "repo" / "publish", ledger=ledger, root=tmp / "repo")
        files = state.refresh()
        if not args.cold:
            state.warm_up(
                files
            ).join()  # as `deident review --serve` does while the reviewer looks at the queue
        console = Console(state, local=True, reviewer="王芳", account_file=tmp / "account")
        srv = make_local_server(console)
        threading.Thread(target=srv.serve_forever, daemon=True).start()
        client = Client(srv.server_address[1])
        launch = urlsplit(console.launch_url("127.0.0.1", srv.server_address[1]))
        client.call("GET", f"{launch.path}?{launch.query}")
        queue = json.loads(client.call("GET", "/review/index.json")[1])
        rows = []
        for f in queue["files"]:
            fid = f["id"]
            page = f"/review/file/{fid}"
            first = timed(lambda page=page: client.call("GET", page), 1)
            open_s = timed(lambda page=page: client.call("GET", page), args.runs)
            json_s = timed(lambda page=page: client.call("GET", page + ".json"), args.runs)
            html = client.call("GET", page)[1].decode()
            csrf = re.search(r'name="csrf" value="([^"]+)"', html).group(1)  # type: ignore[union-attr]
            ids = re.findall(r'class="card" id="f-([0-9a-f]+)"', html)

            def decide(page: str = page, csrf: str = csrf, ids: list[str] = ids) -> None:
                fid_ = ids.pop()
                status, _, headers = client.call(
                    "POST", page + "/decide", {"csrf": csrf, "finding": fid_, "verdict": "confirmed"}
                )
                assert status == 303, status
                client.call("GET", headers["location"].split("#")[0])

            decide_s = timed(decide, min(args.runs, len(ids)))
            pic = None
            doc = json.loads(client.call("GET", page + ".json")[1])
            if doc["pages"]:
                pic = timed(lambda u=doc["pages"][0]["original"]: client.call("GET", u), args.runs)
            rows.append(
                {
                    "file": f["path"].split("/")[-1],
                    "findings": f["counts"]["findings"],
                    "add_s": round(adds[f["path"].split("/")[-1]], 3),
                    "open_first_s": round(first, 3),
                    "open_s": round(open_s, 3),
                    "json_s": round(json_s, 3),
                    "decide_s": round(decide_s, 3),
                    "picture_s": round(pic, 3) if pic is not None else None,
                    "html_kb": round(len(html.encode()) / 1024),
                }
            )
        srv.shutdown()
        srv.server_close()
        state.close()
    print(
        f"{'file':<22}{'findings':>9}{'add':>8}{'open 1st':>10}{'open':>8}{'json':>8}{'decide':>8}{'picture':>9}{'KB':>6}"
    )
    for r in rows:
        pic = f"{r['picture_s']:.3f}" if r["picture_s"] is not None else "-"
        print(
            f"{r['file']:<22}{r['findings']:>9}{r['add_s']:>8.3f}{r['open_first_s']:>10.3f}{r['open_s']:>8.3f}"
            f"{r['json_s']:>8.3f}{r['decide_s']:>8.3f}{pic:>9}{r['html_kb']:>6}"
        )
    print("seconds (best of runs); target: a 200-finding file opens in under 1 s")
    out = ROOT / "benchmarks" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "console.json").write_text(
        json.dumps(
            {"machine": platform.platform(), "python": platform.python_version(), "rows": rows}, indent=1
        ),
        encoding="utf-8",
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
