"""From an upload folder to "approved" in a real browser, without typing a command after
`deident review uploads --serve`: Debian's Chromium driven by Selenium (no browser download).

Screenshots of each screen are kept in a temporary folder (printed at the end; set
DEIDENT_ARTIFACTS to keep them somewhere else).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]
CHROMIUM, CHROMEDRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"

pytestmark = pytest.mark.slow


def _deident(*args: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    code = "from deident.cli.app import main; main()"
    return subprocess.run(
        [sys.executable, "-c", code, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=300
    )


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[object]:
    webdriver = pytest.importorskip("selenium.webdriver")
    from selenium.webdriver.chrome.service import Service

    if not (os.path.exists(CHROMIUM) and os.path.exists(CHROMEDRIVER)):
        pytest.skip("Debian's chromium and chromedriver are not installed")
    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM  # with the driver given too, Selenium Manager fetches nothing
    for flag in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--window-size=1500,1000",
        f"--user-data-dir={tmp_path / 'chromium-profile'}",
    ):
        opts.add_argument(flag)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=opts)
    driver.set_page_load_timeout(60)
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture
def site(tmp_path: Path) -> Iterator[tuple[Path, dict[str, str], str, subprocess.Popen[str]]]:
    """A content repository with the samples as uploads and the console running on it."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    work = tmp_path / "site"
    shutil.copytree(REPO / "corpora" / "samples", work / "uploads")
    subprocess.run(["git", "init", "-q", str(work)], check=True)
    env = {
        **os.environ,
        "DEIDENT_KEY_FILE": str(tmp_path / "keys" / "hmac.key"),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),  # no account file yet: the console asks
        "LANG": "zh_CN.UTF-8",
    }
    env.pop("DEIDENT_LEDGER", None)
    env.pop("DEIDENT_REVIEWER", None)
    code = "from deident.cli.app import main; main()"
    proc = subprocess.Popen(
        [sys.executable, "-c", code, "review", "uploads", "--serve", "--no-open", "--port", "0"],
        cwd=work, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    url = None
    said = []
    assert proc.stderr is not None
    for line in proc.stderr:
        said.append(line)
        m = re.search(r"(http://127\.0\.0\.1:\d+/review/\?launch=\S+)", line)
        if m:
            url = m.group(1)
            break
    try:
        assert url, "the console did not start: " + "".join(said)
        yield work, env, url, proc
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def _shots() -> Path:
    base = os.environ.get("DEIDENT_ARTIFACTS")
    d = Path(base) if base else Path(tempfile.mkdtemp(prefix="deident-console-shots-"))
    d.mkdir(parents=True, exist_ok=True)
    return d


def test_upload_folder_to_approved_by_clicking(browser, site) -> None:  # type: ignore[no-untyped-def]
    from selenium.common.exceptions import WebDriverException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import Select, WebDriverWait

    work, env, url, _proc = site
    d = browser
    shots = _shots()
    n = 0

    def wait_for(script: str, *args: object) -> None:
        """Until `script` is true on a loaded page: every action is a POST and a new page."""

        def ok(drv: object) -> bool:
            try:
                return bool(d.execute_script(f"return document.readyState==='complete' && ({script})", *args))
            except WebDriverException:  # the old page went away mid-question
                return False

        WebDriverWait(d, 60).until(ok)

    def shot(name: str) -> None:
        nonlocal n
        n += 1
        d.save_screenshot(str(shots / f"{n:02d}-{name}.png"))

    d.get(url)
    # First use: the console asks for the reviewer's name and keeps it in the account file.
    assert "审核人姓名" in d.page_source
    shot("name")
    d.find_element(By.NAME, "name").send_keys("王芳")
    button = d.find_element(By.CSS_SELECTOR, "form.login button")
    button.click()
    wait_for("document.title.indexOf('审核队列')===0")
    assert "审核队列" in d.page_source and "审核人：王芳" in d.page_source
    assert (Path(env["XDG_CONFIG_HOME"]) / "deident" / "reviewer").read_text(
        encoding="utf-8"
    ).strip() == "王芳"
    shot("queue")

    links = [a.get_attribute("href") for a in d.find_elements(By.CSS_SELECTOR, "table.queue td a")]
    assert len(links) == 7
    not_pii_done = False
    for i, link in enumerate(links):
        d.get(link)
        title = d.find_element(By.TAG_NAME, "h1").text
        if i == 0:
            shot("file")
        if title.startswith("uploads/低保对象花名册.pdf"):
            imgs = d.find_elements(By.CSS_SELECTOR, ".page img")
            assert imgs and d.find_elements(By.CSS_SELECTOR, ".box[data-f]")
            d.execute_script("arguments[0].scrollIntoView()", imgs[0])
            d.execute_script(
                "return Promise.all([].map.call(document.images,function(i){return i.decode().catch(function(){})}))"
            )
            assert d.execute_script("return document.images[0].naturalWidth") > 100
            shot("pdf-pages")
        while True:
            cards = d.find_elements(By.CSS_SELECTOR, '.card[data-state="unreviewed"]')
            if not cards:
                break
            card = cards[0]
            fid = card.get_attribute("data-f")
            if not not_pii_done and title.startswith("uploads/行政处罚决定书.txt"):
                # By keyboard: select the finding's highlight, N to the reason, pick one, Enter.
                d.find_element(By.CSS_SELECTOR, f'mark[data-f="{fid}"]').click()
                d.find_element(By.TAG_NAME, "body").send_keys("n")
                active = d.switch_to.active_element
                assert active.get_attribute("name") == "reason"
                Select(active).select_by_visible_text("识别错误（不是此类信息）")
                shot("not-pii")
                active.send_keys(Keys.ENTER)
                not_pii_done = True
            else:
                card.find_element(By.CSS_SELECTOR, "button.yes").click()
            wait_for(
                "(function(c){return c && c.dataset.state!=='unreviewed'})"
                "(document.getElementById('f-'+arguments[0]))",
                fid,
            )
            assert "已记录" in d.page_source
        approve = d.find_element(By.ID, "approve")
        assert approve.is_enabled(), title
        if i == 0:
            shot("ready")
        approve.click()
        wait_for("document.title.indexOf('审核队列')===0")
        assert "已批准发布" in d.page_source
    d.get(url.split("?")[0])
    shot("all-approved")
    assert d.find_elements(By.CSS_SELECTOR, ".badge.b-approved")
    assert not d.find_elements(By.CSS_SELECTOR, "table.queue .b-unreviewed, table.queue .b-ready")

    # The same ledger as the CLI: it verifies, and the gate passes exactly the published folder.
    r = _deident("ledger", "verify", cwd=work, env=env)
    assert r.returncode == 0, r.stderr
    entries = [json.loads(x) for x in (work / ".deident" / "ledger.jsonl").read_text("utf-8").splitlines()]
    approvals = [e for e in entries if e["kind"] == "approval"]
    decisions = [e for e in entries if e["kind"] == "decision"]
    assert len(approvals) == 7 and {e["reviewer"] for e in entries} == {"王芳"}
    # The reviewer's one "not personal data", and the same decision carried to the bytes of the
    # masked copy that was published (the copy leaves that value readable).
    cleared = [e for e in decisions if e["verdict"] == "not_pii"]
    assert len(cleared) == 2 and cleared[0]["value_hmac"] == cleared[1]["value_hmac"]
    assert cleared[1]["file_sha256"] in {e["file_sha256"] for e in approvals}
    assert "decided on the source file" in cleared[1]["reason"]
    assert all(e["path"].startswith("publish/") for e in approvals)
    r = _deident("gate", "publish", cwd=work, env=env)
    assert r.returncode == 0, r.stdout + r.stderr
    assert len([p for p in (work / "publish").iterdir()]) == 7
    # The uploads themselves were never approved: they still hold the personal data.
    r = _deident("gate", "uploads", cwd=work, env=env)
    assert r.returncode == 1
    print(f"screenshots: {shots}")
    assert len(list(shots.glob("*.png"))) >= 6
