"""The README is tested: every command is documented, its YAML examples work as written."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

import deident
from deident.cli.app import app
from deident.detection.engine import Engine
from deident.detection.spec import load_specs, parse_spec
from deident.masking.policy import Policy

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def _yaml_after(heading: str) -> str:
    section = README.split(heading, 1)[1]
    m = re.search(r"```yaml\n(.*?)```", section, re.S)
    assert m, f"no yaml example under {heading}"
    return m.group(1)


def test_the_first_two_commands_come_first() -> None:
    blocks = re.findall(r"```sh\n(.*?)```", README, re.S)
    assert "deident scan corpora/samples" in blocks[0] and "python -m pytest" in blocks[0]


def test_every_command_is_documented() -> None:
    import typer.main

    commands = typer.main.get_command(app).commands  # type: ignore[attr-defined]
    assert {"scan", "mask", "recognizers", "review", "approve", "gate", "serve"} <= set(commands)
    for name in commands:
        assert f"deident {name}" in README, name


def test_policy_example_works() -> None:
    policy = Policy.parse(yaml.safe_load(_yaml_after("## Masking policies")), source="README")
    masked = deident.mask_text("被征收人张三，手机13812345678，车牌粤B12345", policy=policy).text
    assert "张某" in masked and "138****5678" in masked and "粤B12345" not in masked


def test_recognizer_example_works() -> None:
    spec = parse_spec(yaml.safe_load(_yaml_after("## Adding a recognizer")), "README")
    engine = Engine([*load_specs(), spec])
    for ex in spec.examples:
        found = [f.text for f in engine.analyze(ex.text) if f.recognizer == spec.id]
        assert found == ([ex.expect] if ex.expect else []), ex.text


def _python_after(heading: str) -> str:
    section = README.split(heading, 1)[1].split("\n## ", 1)[0]
    m = re.search(r"```python\n(.*?)```", section, re.S)
    assert m, f"no python example under {heading}"
    return m.group(1)


def test_library_example_runs_as_written(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Run from a checkout (the paths it names are the bundled samples), writing into a scratch folder."""
    root = Path(__file__).resolve().parents[1]
    (tmp_path / "corpora").symlink_to(root / "corpora")
    monkeypatch.chdir(tmp_path)
    scope: dict[str, object] = {}
    exec(compile(_python_after("## Library"), "README.md", "exec"), scope)
    report, result = scope["report"], scope["result"]
    assert report.status.value == "findings" and report.findings  # type: ignore[attr-defined]
    assert result.ok and Path(result.output).exists()  # type: ignore[attr-defined]
    assert scope["findings"] and "138****5678" in scope["masked"].text  # type: ignore[attr-defined]


def test_flow_writes_its_report_outside_the_content_repository() -> None:
    flow = re.search(r"<!-- flow:[^>]*-->\s*```sh\n(.*?)```", README, re.S)
    assert flow
    outs = re.findall(r"deident review .*?--out (\S+)", flow.group(1))
    assert outs and all(o.startswith("../") for o in outs)
