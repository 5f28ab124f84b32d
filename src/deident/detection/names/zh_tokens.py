"""A word-aware spaCy tokenizer for Chinese that needs no dictionary download.

spaCy's blank ``zh`` pipeline splits Chinese into single characters, so a context word such as
身份证号 is never a token and Presidio's context enhancement (which compares tokens with the
recognizers' context words) never fires. This tokenizer keeps every context and cue word of
deident's recognizers whole (longest match first), keeps runs of ASCII letters and digits
together (a phone number is one token) and splits everything else into characters. It also
sets each token's lemma to its text, because Presidio compares lemmas and blank pipelines
have none.

Registered in spaCy's registry as ``deident.zh_words.v1`` so a saved pipeline that names it
loads again wherever deident is imported.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import spacy
from spacy.language import Language
from spacy.tokens import Doc
from spacy.vocab import Vocab

from deident.detection.spec import load_specs

TOKENIZER_NAME = "deident.zh_words.v1"
_RUN = re.compile(r"[0-9A-Za-z０-９Ａ-Ｚａ-ｚ][0-9A-Za-z０-９Ａ-Ｚａ-ｚ._@+\-]*|\s+|[\u4e00-\u9fff]+|.", re.S)


def context_words() -> tuple[str, ...]:
    """Every context word and cue word of the shipped recognizers."""
    words: set[str] = set()
    for spec in load_specs():
        words.update(spec.context.words)
        words.update(spec.anti_context.words)
        for key, value in spec.options.items():
            if key.endswith(("cues", "words", "honorifics")) and isinstance(value, list):
                words.update(str(v) for v in value)
    return tuple(sorted(w for w in words if any("\u4e00" <= c <= "\u9fff" for c in w)))


class WordTokenizer:
    def __init__(self, vocab: Vocab, words: Iterable[str]) -> None:
        self.vocab = vocab
        self.words: frozenset[str] = frozenset()
        self.max_len = 1
        self.add_words(words)

    def add_words(self, words: Iterable[str]) -> None:
        """Keep these words whole too (the context words of your own recognizers)."""
        self.words = self.words | frozenset(words)
        self.max_len = max((len(w) for w in self.words), default=1)

    def _han(self, run: str) -> list[str]:
        out: list[str] = []
        i = 0
        while i < len(run):
            for n in range(min(self.max_len, len(run) - i), 0, -1):
                if n == 1 or run[i : i + n] in self.words:
                    out.append(run[i : i + n])
                    i += n
                    break
        return out

    def __call__(self, text: str) -> Doc:
        words: list[str] = []
        spaces: list[bool] = []
        for m in _RUN.finditer(text):
            piece = m.group()
            if piece.isspace():
                if words and not spaces[-1] and piece == " ":
                    spaces[-1] = True
                else:
                    words.append(piece)
                    spaces.append(False)
                continue
            parts = self._han(piece) if "\u4e00" <= piece[0] <= "\u9fff" else [piece]
            words.extend(parts)
            spaces.extend([False] * len(parts))
        doc = Doc(self.vocab, words=words, spaces=spaces)
        for token in doc:
            token.lemma_ = token.text
        return doc

    # A pipeline saved with this tokenizer rebuilds it from the registry: nothing to store.
    def to_disk(self, path: str | Path, **kwargs: Any) -> None:
        Path(path).mkdir(parents=True, exist_ok=True)

    def from_disk(self, path: str | Path, **kwargs: Any) -> WordTokenizer:
        return self

    def to_bytes(self, **kwargs: Any) -> bytes:
        return b""

    def from_bytes(self, data: bytes, **kwargs: Any) -> WordTokenizer:
        return self


@spacy.registry.tokenizers(TOKENIZER_NAME)
def create_tokenizer(extra_words: list[str] = []) -> Any:  # noqa: B006 (spaCy config default)
    def make(nlp: Language) -> WordTokenizer:
        return WordTokenizer(nlp.vocab, [*context_words(), *extra_words])

    return make


def blank_zh(extra_words: Iterable[str] = ()) -> Language:
    """A blank Chinese pipeline with the word-aware tokenizer (no download, no jieba)."""
    tokenizer = {"@tokenizers": TOKENIZER_NAME, "extra_words": sorted(set(extra_words))}
    return spacy.blank("zh", config={"nlp": {"tokenizer": tokenizer}})
