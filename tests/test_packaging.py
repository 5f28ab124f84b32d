"""recognizers/ and the compiled engine loops ship inside the wheel and are loaded from there."""

from __future__ import annotations

import os
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _build(out: Path, *args: str, env: dict[str, str] | None = None) -> Path:
    r = subprocess.run(
        [sys.executable, "-m", "build", *args, "--outdir", str(out), str(ROOT)],
        capture_output=True,
        text=True,
        env=env,
    )
    if r.returncode != 0 and "No module named build" in r.stderr:
        pytest.skip("the 'build' package is not installed")
    assert r.returncode == 0, r.stderr[-2000:]
    return next(out.glob("deident-*.whl"))


def _run_in_fresh_venv(wheel: Path, tmp_path: Path, code: str) -> str:
    """stdout of `code` run by a venv that sees this interpreter's dependencies but not the
    project: deident comes from `wheel` only."""
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(system_site_packages=True, with_pip=True).create(env_dir)
    py = env_dir / "bin" / "python"
    subprocess.run(
        [py, "-m", "pip", "install", "-q", "--no-deps", "--force-reinstall", str(wheel)], check=True
    )
    r = subprocess.run([py, "-c", code], capture_output=True, text=True, cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    return r.stdout


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _build(tmp_path_factory.mktemp("dist"), "--wheel")


def test_wheel_contains_recognizers_and_presets(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    shipped = {Path(n).name for n in names if n.startswith("deident/recognizers/")}
    assert {p.name for p in (ROOT / "recognizers").glob("*.yaml")} <= shipped
    assert "deident/masking/presets/gov.yaml" in names


def test_wheel_has_the_compiled_engine_loops(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    assert any(n.startswith("deident/detection/_native.") and n.endswith((".so", ".pyd")) for n in names)
    assert "deident/detection/_native.pyx" in names  # the source, for reference
    assert any(n.startswith("deident/formats/pdf/_glyphs.") and n.endswith((".so", ".pyd")) for n in names)


def test_fresh_venv_loads_recognizers_from_the_wheel(wheel: Path, tmp_path: Path) -> None:
    # deident comes from the wheel only, and so must its recognizers.
    code = (
        "import deident, pathlib; from deident.detection.spec import recognizers_dir; "
        "d = recognizers_dir(); assert pathlib.Path(deident.__file__).parent in d.parents, d; "
        "from deident.detection.native import native; assert native is not None; "
        "print(d, len(deident.scan_text('身份证号440881199001011233')))"
    )
    out = _run_in_fresh_venv(wheel, tmp_path, code)
    assert out.strip().endswith(" 1")
    assert "site-packages" in out


def test_without_a_c_compiler_the_wheel_builds_and_runs_the_python_twins(tmp_path: Path) -> None:
    # A platform without a compiler: the extensions are optional, so the build goes on and
    # deident runs the same loops in pure Python. Built through an sdist, as pip does from a
    # source archive: the checkout's build/ folder may hold extensions compiled earlier.
    env = {k: v for k, v in os.environ.items() if k != "DEIDENT_REQUIRE_NATIVE"}
    env.update(CC="false", LDSHARED="false")
    wheel = _build(tmp_path / "dist", env=env)
    assert not [n for n in zipfile.ZipFile(wheel).namelist() if n.endswith((".so", ".pyd"))]
    code = (
        "import deident; from deident.detection.native import native, reading; "
        "assert native is None and reading is None; "
        "print(len(deident.scan_text('身份证号440881199001011233，手机13812345678')))"
    )
    assert _run_in_fresh_venv(wheel, tmp_path, code).strip() == "2"


def test_wheel_has_the_compiled_message_catalog(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    assert "deident/locale/zh_CN/LC_MESSAGES/deident.mo" in names
