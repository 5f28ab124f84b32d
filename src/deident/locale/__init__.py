"""Messages in two languages: gettext catalogs compiled with Babel (English is the source).

Strings are marked where they are written (``_("…")`` with a translation in hand, ``N_("…")``
where only the English text is stored and translated later); `deident.locale/zh_CN/LC_MESSAGES/
deident.po` translates them and its compiled `.mo` ships in the wheel. To update the catalog
after changing messages (see docs/notes/issue-14.md):

    pybabel extract -F babel.cfg -o src/deident/locale/deident.pot src/deident
    pybabel update -i src/deident/locale/deident.pot -d src/deident/locale -D deident
    pybabel compile -d src/deident/locale -D deident

The language is chosen once per command (``--lang``, else the locale: zh_* is Chinese) and
passed down as a `Translations` object; there is no global "current language".
"""

from __future__ import annotations

import gettext
import os
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path

DOMAIN = "deident"
LANGS = ("zh", "en")
_DIR = Path(__file__).resolve().parent


def N_(message: str) -> str:
    """Marks a message for extraction without translating it here."""
    return message


def resolve_lang(explicit: str | None = None, environ: Mapping[str, str] | None = None) -> str:
    """`explicit` if given, else Chinese when the locale (LANGUAGE, LC_ALL, LC_MESSAGES, LANG,
    in gettext's order) names zh, else English."""
    if explicit:
        lang = explicit.strip().lower().replace("-", "_")
        if lang.startswith("zh"):
            return "zh"
        if lang.startswith("en"):
            return "en"
        raise ValueError(f"unknown language {explicit!r}: use zh or en")
    env = os.environ if environ is None else environ
    for var in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(var)
        if value:
            first = value.split(":")[0].lower()
            return "zh" if first.startswith("zh") else "en"
    return "en"


@lru_cache(maxsize=4)
def translation(lang: str) -> gettext.NullTranslations:
    """The catalog for `lang` ("zh" or "en"); English is the source text itself."""
    if lang != "zh":
        return gettext.NullTranslations()
    return gettext.translation(DOMAIN, localedir=str(_DIR), languages=["zh_CN"], fallback=False)
