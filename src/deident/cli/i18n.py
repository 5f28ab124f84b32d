"""The CLI's language: chosen once per run (``--lang zh|en``, else the locale), then every
message, table header, summary and help text goes through the catalog (deident/locale).

Help texts are written in English where the commands are defined; the click command tree is
translated as a whole just before it runs (`translate_command`), so command modules need no
change to be translated — only a catalog entry (scripts/update_catalog.py collects them).
"""

from __future__ import annotations

import gettext
from collections.abc import Iterator, Sequence
from typing import Any

from deident.locale import N_, resolve_lang, translation

_state: dict[str, Any] = {"lang": "en", "t": translation("en")}


def use(lang: str | None) -> str:
    """Set the language of this run (None: from the locale); returns "zh" or "en"."""
    chosen = resolve_lang(lang)
    _state["lang"], _state["t"] = chosen, translation(chosen)
    return chosen


def lang() -> str:
    return str(_state["lang"])


def tr() -> gettext.NullTranslations:
    return _state["t"]  # type: ignore[no-any-return]


def _(message: str) -> str:
    return tr().gettext(message)


def take_lang(argv: Sequence[str]) -> tuple[str | None, list[str]]:
    """`--lang X` / `--lang=X` anywhere on the command line (it applies to the whole run and to
    --help), removed from the arguments handed to the commands."""
    out: list[str] = []
    chosen: str | None = None
    it = iter(argv)
    for a in it:
        if a == "--":
            out.append(a)
            out.extend(it)
            break
        if a == "--lang":
            chosen = next(it, None) or ""
        elif a.startswith("--lang="):
            chosen = a.split("=", 1)[1]
        else:
            out.append(a)
    return chosen, out


def help_texts(command: Any) -> Iterator[str]:
    """Every help, epilog and option help of a click command tree (what the catalog covers)."""
    for text in (command.help, command.epilog, command.short_help):
        if text:
            yield text
    for p in getattr(command, "params", ()):
        if getattr(p, "help", None):
            yield p.help
    for sub in getattr(command, "commands", {}).values():
        yield from help_texts(sub)


def translate_command(command: Any, t: gettext.NullTranslations) -> None:
    """Replace help texts of a click command tree by their translations, in place."""
    for attr in ("help", "epilog", "short_help"):
        text = getattr(command, attr, None)
        if text:
            setattr(command, attr, t.gettext(text))
    for p in getattr(command, "params", ()):
        if getattr(p, "help", None):
            p.help = t.gettext(p.help)
    for sub in getattr(command, "commands", {}).values():
        translate_command(sub, t)


# The words typer draws around help texts (panel titles, default and required markers).
_FRAMEWORK = {
    "ARGUMENTS_PANEL_TITLE": N_("Arguments"),
    "OPTIONS_PANEL_TITLE": N_("Options"),
    "COMMANDS_PANEL_TITLE": N_("Commands"),
    "ERRORS_PANEL_TITLE": N_("Error"),
    "DEFAULT_STRING": N_("[default: {}]"),
    "REQUIRED_LONG_STRING": N_("[required]"),
    "ENVVAR_STRING": N_("[env var: {}]"),
    "ABORTED_TEXT": N_("Aborted."),
}


def translate_framework(t: gettext.NullTranslations) -> None:
    """typer's own words on help screens, in the run's language (module constants of typer)."""
    try:
        import typer.rich_utils as ru
    except ImportError:  # typer without rich draws plain help: nothing to translate
        return
    for name, text in _FRAMEWORK.items():
        if hasattr(ru, name):
            setattr(ru, name, t.gettext(text))
