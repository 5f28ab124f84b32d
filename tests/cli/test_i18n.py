"""The CLI speaks Chinese (locale zh_* or --lang zh) and English; terminals see masked values;
contracts that do not depend on the language (exit codes, JSON) stay as they are."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from deident import DeidentError, ScanConfig
from deident.cli.i18n import take_lang
from deident.locale import resolve_lang, terms, translation

ROOT = Path(__file__).resolve().parents[2]
ID = "440881199001011233"
MOBILE = "13812345678"


def deident(
    *args: str, lang_env: str = "C.UTF-8", cwd: Path | None = None, key: Path | None = None
) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LC_", "LANG", "DEIDENT_DEBUG"))}
    env["LANG"] = lang_env
    if key is not None:
        env["DEIDENT_KEY_FILE"] = str(key)
    code = "from deident.cli.app import main; main()"
    return subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, env=env, cwd=cwd, timeout=300
    )


@pytest.fixture
def leaky(tmp_path: Path) -> Path:
    p = tmp_path / "名单.txt"
    p.write_text(f"申请人身份证号：{ID}，手机{MOBILE}。\n", encoding="utf-8")
    return p


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"LANG": "zh_CN.UTF-8"}, "zh"),
        ({"LANG": "en_US.UTF-8", "LC_ALL": "zh_TW.UTF-8"}, "zh"),  # LC_ALL wins over LANG
        ({"LANGUAGE": "en:zh", "LANG": "zh_CN.UTF-8"}, "en"),
        ({"LANG": "C"}, "en"),
        ({}, "en"),
    ],
)
def test_language_from_the_locale(env: dict[str, str], expected: str) -> None:
    assert resolve_lang(None, env) == expected
    assert resolve_lang("zh-CN", env) == "zh" and resolve_lang("en", env) == "en"


def test_lang_option_is_taken_from_anywhere() -> None:
    assert take_lang(["scan", "--lang", "zh", "x"]) == ("zh", ["scan", "x"])
    assert take_lang(["--lang=en", "gate", "p"]) == ("en", ["gate", "p"])
    assert take_lang(["scan", "--", "--lang"]) == (None, ["scan", "--", "--lang"])


def test_catalog_is_complete_and_compiled() -> None:
    """Every message and every help text has a Chinese translation, and the .mo that ships is
    the compiled .po (a stale .mo would show English to Chinese users)."""
    pytest.importorskip("babel")
    r = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "update_catalog.py"), "--check"],
        capture_output=True, text=True, timeout=300, cwd=ROOT,
    )  # fmt: skip
    assert r.returncode == 0, r.stdout + r.stderr
    from babel.messages.pofile import read_po

    po_path = ROOT / "src" / "deident" / "locale" / "zh_CN" / "LC_MESSAGES" / "deident.po"
    with po_path.open("rb") as fh:
        po = read_po(fh)
    zh = translation("zh")
    for m in po:
        if m.id:
            assert zh.gettext(m.id) == m.string, m.id


def test_every_blocked_reason_says_what_to_do_in_both_languages() -> None:
    zh, en = translation("zh"), translation("en")
    for reason in (
        "encrypted",
        "corrupt: bad zip",
        "unsupported type",
        "no readable text layer",
        "too large",
    ):
        _what_en, todo_en = terms.advice(en, reason)
        what_zh, todo_zh = terms.advice(zh, reason)
        assert todo_en and todo_zh and todo_zh != todo_en
        assert any("\u4e00" <= ch <= "\u9fff" for ch in what_zh + todo_zh)
    assert "解压" in terms.advice(zh, "unsupported type")[1]
    assert "密码" in terms.advice(zh, "encrypted")[1]
    assert "文字层" in terms.advice(zh, "no readable text layer")[1]


def test_help_and_table_in_chinese(leaky: Path) -> None:
    r = deident("scan", "--help", lang_env="zh_CN.UTF-8")
    assert r.returncode == 0 and "检查文件中的个人信息" in r.stdout and "示例" in r.stdout
    r = deident("--lang", "en", "scan", "--help", lang_env="zh_CN.UTF-8")
    assert "Report personal data in files" in r.stdout
    r = deident("scan", str(leaky), "--format", "table", lang_env="zh_CN.UTF-8")
    assert r.returncode == 1
    for word in ("文件", "状态", "身份证号", "手机号码", "发现个人信息", "个文件"):
        assert word in r.stdout, word
    r = deident("scan", str(leaky), "--format", "table", "--lang", "en", lang_env="zh_CN.UTF-8")
    assert "CN_RESIDENT_ID" in r.stdout and "1 files: 0 clean" in r.stdout


def test_terminal_values_are_masked_unless_asked(leaky: Path) -> None:
    r = deident("scan", str(leaky), "--format", "table")
    assert ID not in r.stdout and MOBILE not in r.stdout
    assert "440881********1233" in r.stdout and "138****5678" in r.stdout
    r = deident("scan", str(leaky), "--format", "table", "--show-values")
    assert ID in r.stdout and MOBILE in r.stdout


def test_json_contract_does_not_depend_on_the_language(leaky: Path) -> None:
    en = json.loads(deident("scan", str(leaky), "--format", "json").stdout)
    zh = json.loads(deident("scan", str(leaky), "--format", "json", lang_env="zh_CN.UTF-8").stdout)
    assert en == zh
    assert {f["text"] for f in en["findings"]} == {ID, MOBILE}  # JSON keeps values (use --redact)
    assert en["files"][0]["status"] == "findings"


def test_blocked_file_in_chinese_says_what_to_do(tmp_path: Path) -> None:
    bad = tmp_path / "附件.docx"
    bad.write_bytes(b"PK\x03\x04 not a zip")
    r = deident("scan", str(bad), "--format", "table", lang_env="zh_CN.UTF-8")
    assert r.returncode == 1 and "怎么办" in r.stdout and "已阻止" in r.stdout


@pytest.mark.parametrize(
    "args",
    [
        ["scan", "{f}", "--policy", "gvo"],
        ["scan", "{f}", "--policy", "gvo", "--format", "json"],
        ["mask", "{f}", "--out", "{out}", "--policy", "no-such-file.yaml"],
        ["recognizers", "--policy", "gvo"],
        ["review", "{f}", "--out", "{out}/r.html", "--policy", "gvo"],
        ["approve", "{f}", "--reviewer", "王芳", "--policy", "gvo"],
        ["review", "{f}", "--serve", "--no-open", "--policy", "gvo"],
        ["patrol", "http://127.0.0.1:9/", "--max-pages", "1", "--policy", "gvo"],
    ],
)
def test_unknown_policy_is_a_usage_error_everywhere(args: list[str], leaky: Path, tmp_path: Path) -> None:
    filled = [a.format(f=leaky, out=tmp_path / "out") for a in args]
    r = deident(*filled, cwd=tmp_path, key=tmp_path.parent / f"{tmp_path.name}-keys" / "hmac.key")
    assert r.returncode == 2, (r.stdout, r.stderr)
    assert "gvo" in r.stderr or "no-such-file" in r.stderr
    assert not (tmp_path / "out" / "r.html").exists()


def test_scan_config_rejects_unknown_entity_types_as_the_cli_does(leaky: Path) -> None:
    with pytest.raises(DeidentError, match="CN_MOBLE"):
        ScanConfig(entities=frozenset({"CN_MOBLE"}))
    assert ScanConfig(entities=frozenset({"CN_MOBILE"})).wants("CN_MOBILE")
    r = deident("scan", str(leaky), "--entities", "CN_MOBLE")
    assert r.returncode == 2 and "CN_MOBLE" in r.stderr
