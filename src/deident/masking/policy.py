"""Masking policies: a name, a default operator and one operator per entity type.

Presets ship as YAML in ``deident/masking/presets``; users pass their own file with the same
shape (``--policy my.yaml``)::

    name: mine
    default: {op: mask}
    entities:
      CN_RESIDENT_ID: {op: mask, keep_first: 6, keep_last: 4}
      PERSON: {op: surname_mou}
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from deident.errors import PolicyError
from deident.masking.operators import OPERATORS
from deident.model import Finding

PRESETS = ("gov", "hutool", "court", "strict")


@dataclass(frozen=True, slots=True)
class Rule:
    op: str
    params: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Policy:
    name: str
    default: Rule
    rules: Mapping[str, Rule]
    description: str = ""

    @classmethod
    def load(cls, name_or_path: str | Path = "gov") -> Policy:
        """A preset by name (gov, hutool, court, strict) or a policy file."""
        text = str(name_or_path)
        if text in PRESETS:
            raw = (resources.files("deident.masking") / "presets" / f"{text}.yaml").read_text(
                encoding="utf-8"
            )
            return cls.parse(yaml.safe_load(raw), source=f"preset {text}")
        path = Path(text)
        if not path.is_file():
            raise PolicyError(
                f"policy '{text}' is neither a preset ({', '.join(PRESETS)}) nor a readable file"
            )
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
            raise PolicyError(f"cannot read policy file {path.name}: {exc}") from exc
        return cls.parse(data, source=path.name)

    @classmethod
    def parse(cls, data: Any, *, source: str) -> Policy:
        if not isinstance(data, dict):
            raise PolicyError(f"{source}: a policy is a mapping with 'name', 'default' and 'entities'")

        def rule(raw: Any, where: str) -> Rule:
            if not isinstance(raw, dict) or "op" not in raw:
                raise PolicyError(f"{source}: {where} needs an 'op' ({', '.join(sorted(OPERATORS))})")
            op = str(raw["op"])
            if op not in OPERATORS:
                raise PolicyError(f"{source}: {where}: unknown op '{op}' ({', '.join(sorted(OPERATORS))})")
            return Rule(op, {k: v for k, v in raw.items() if k != "op"})

        entities = data.get("entities") or {}
        if not isinstance(entities, dict):
            raise PolicyError(f"{source}: 'entities' must map entity types to operators")
        return cls(
            name=str(data.get("name", source)),
            default=rule(data.get("default", {"op": "mask"}), "default"),
            rules={str(k): rule(v, str(k)) for k, v in entities.items()},
            description=str(data.get("description", "")).strip(),
        )

    def rule_for(self, entity_type: str) -> Rule:
        return self.rules.get(entity_type, self.default)

    def replacement(self, finding: Finding) -> str:
        """The masked form of `finding.text`."""
        rule = self.rule_for(finding.entity_type)
        return OPERATORS[rule.op](finding, rule.params)
