"""Refresh the message catalogs after changing messages: extract, merge, compile.

    python scripts/update_catalog.py          # then translate the new entries in
                                              # src/deident/locale/zh_CN/LC_MESSAGES/deident.po
    python scripts/update_catalog.py --check  # exit 1 if a message has no translation (CI)

Messages come from two places: strings marked in code (``_("…")``, ``N_("…")``,
``t.gettext("…")``; found by Babel's extractor) and the CLI's help texts (docstrings and option
help of every command, collected from the click command tree, so command modules need no
markers). English is the source; the compiled .mo ships in the wheel (setup.py package_data).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[1]
LOCALE = ROOT / "src" / "deident" / "locale"
POT = LOCALE / "deident.pot"
PO = LOCALE / "zh_CN" / "LC_MESSAGES" / "deident.po"
MO = PO.with_suffix(".mo")


def cli_help_texts() -> list[str]:
    sys.path.insert(0, str(ROOT / "src"))
    import typer.main

    from deident.cli.app import app
    from deident.cli.i18n import help_texts

    return list(dict.fromkeys(help_texts(typer.main.get_command(app))))


def extract(pot_path: Path = POT) -> Catalog:
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "-q", "extract", "-F", str(ROOT / "babel.cfg"),
         "-k", "N_", "--no-location", "--sort-output", "-o", str(pot_path), str(ROOT / "src" / "deident")],
        check=True,
    )  # fmt: skip
    with pot_path.open("rb") as fh:
        pot = read_po(fh)
    for text in cli_help_texts():
        if text not in pot:
            pot.add(text, auto_comments=["CLI help"])
    pot.project, pot.version = "deident", "0.1"
    with pot_path.open("wb") as fh:
        write_po(fh, pot, width=110, sort_output=True, omit_header=False)
    return pot


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--check", action="store_true", help="only report untranslated messages")
    args = ap.parse_args()
    if args.check:  # leave the tree as it is: extract into a scratch file
        import tempfile

        with tempfile.TemporaryDirectory() as d:
            pot = extract(Path(d) / "deident.pot")
    else:
        pot = extract()
    with PO.open("rb") as fh:
        po = read_po(fh, locale="zh_CN")
    po.update(pot, no_fuzzy_matching=True)
    missing = [m.id for m in po if m.id and not m.string]
    if args.check:
        for m in missing:
            print(f"untranslated: {m!r}")
        return 1 if missing else 0
    po.obsolete.clear()
    with PO.open("wb") as fh:
        write_po(fh, po, width=110, sort_output=True, omit_header=False)
    with MO.open("wb") as fh:
        write_mo(fh, po)
    print(f"{len(po)} messages, {len(missing)} untranslated: {PO.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
