# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True, initializedcheck=False
"""The engine's per-value work compiled: every number run of a text read by the patterns of its
length (NumberReader), every match of a text pattern such as e-mail (TextReader), checked,
scored with its context and turned into a `Finding`.

The Python twins, and the reference, are `passes.numbers_in` and `passes.texts_in` with
`passes.best_reading`, `scoring.score`, `scoring.judge`, `Explainer.make` and
`ContextMatcher.find` (passes.py, scoring.py, context.py): the same steps in the same order.
tests/detection/test_reading.py checks that both give the same findings, down
to the explanation, for every text hypothesis generates. On a roster a value comes every few
dozen characters and each costs a few dozen Python-level steps; compiled, a value costs
about its regex calls and the objects it returns.
"""

import builtins

from cpython.object cimport PyObject, PyTypeObject
from cpython.ref cimport Py_INCREF
from cpython.unicode cimport PyUnicode_GET_LENGTH
from libc.stdlib cimport free, malloc, qsort, realloc

include "_runs.pxi"
include "_idcheck.pxi"


cdef extern from "Python.h":
    ctypedef struct PyMemberDef:
        Py_ssize_t offset
    ctypedef struct PyMemberDescrObject:
        PyMemberDef *d_member
    PyTypeObject PyBaseObject_Type
    object PyFloat_FromDouble(double v)


try:
    from deident.detection import _native as _checks  # the validators NumberReader answers itself
except ImportError:  # pragma: no cover - built without it
    _checks = None

cdef object _round = builtins.round  # Python's, so that scores round exactly as in the twin
cdef object _member_descriptor = type(type("_Slots", (), {"__slots__": ("x",)}).__dict__["x"])
cdef tuple _NO_ARGS = ()


cdef int _CONTEXT = 1
cdef int _ANTI = 2


cdef class _Trie:
    """Words in C arrays (node 0 the root; a node's children a list through `sibling`, walked
    linearly: a node has a few): the longest word at a position costs a character compare per
    step, with no dict look-ups or one-character strings."""

    cdef Py_UCS4 *char_
    cdef int *child
    cdef int *sibling
    cdef char *end
    cdef int *word  # at a word's last node: its index in sorted(words)

    def __cinit__(self, words):
        cdef list ws = sorted(words)
        cdef int count = 1 + sum(len(w) for w in ws), node, c, k = 1, index
        self.char_ = <Py_UCS4 *>malloc(count * sizeof(Py_UCS4))
        self.child = <int *>malloc(count * sizeof(int))
        self.sibling = <int *>malloc(count * sizeof(int))
        self.end = <char *>malloc(count)
        self.word = <int *>malloc(count * sizeof(int))
        if not (self.char_ and self.child and self.sibling and self.end and self.word):
            raise MemoryError()
        self.char_[0], self.child[0], self.sibling[0], self.end[0], self.word[0] = 0, -1, -1, 0, -1
        for index, w in enumerate(ws):
            node = 0
            for ch in w:
                c = self.child[node]
                while c >= 0 and self.char_[c] != ord(ch):
                    c = self.sibling[c]
                if c < 0:
                    c = k
                    k += 1
                    self.char_[c], self.child[c], self.end[c], self.word[c] = ord(ch), -1, 0, -1
                    self.sibling[c] = self.child[node]
                    self.child[node] = c
                node = c
            self.end[node] = 1
            self.word[node] = index

    def __dealloc__(self):
        free(self.word)
        free(self.char_)
        free(self.child)
        free(self.sibling)
        free(self.end)

    cdef Py_ssize_t longest(self, int kind, void *data, Py_ssize_t i, Py_ssize_t hi) noexcept:
        """The end of the longest word at `i` that ends by `hi`, or -1."""
        cdef int word
        return self.longest_word(kind, data, i, hi, &word)

    cdef Py_ssize_t longest_word(self, int kind, void *data, Py_ssize_t i, Py_ssize_t hi, int *word) noexcept:
        """`longest`, with the word's index in sorted(words) in `word`."""
        cdef int node = 0, c
        cdef Py_ssize_t j = i, found = -1
        cdef Py_UCS4 ch
        while j < hi:
            ch = PyUnicode_READ(kind, data, j)
            c = self.child[node]
            while c >= 0 and self.char_[c] != ch:
                c = self.sibling[c]
            if c < 0:
                break
            node = c
            j += 1
            if self.end[node]:
                found = j
                word[0] = self.word[node]
        return found


cdef class _Words:
    """A `ContextMatcher`, flattened."""

    cdef object search  # rx.search, or None when the recognizer has no words
    cdef dict kinds  # word -> (kind, the word): the words found are these objects, not slices
    cdef tuple entries  # (kind, word) of each word of the trie, by its index there
    cdef Py_ssize_t before, after, ctx_window, anti_window, ctx_after, anti_after
    # A byte per BMP code point, 1 where a word starts with it; None when a word starts outside
    # the BMP (then `re` searches the window itself).
    cdef bytes first
    cdef _Trie trie

    def __init__(self, matcher):
        rx = matcher.rx
        self.search = rx.search if rx is not None else None
        first = bytearray(0x10000)
        for word in matcher.kinds:
            if ord(word[0]) >= 0x10000:
                first = None
                break
            first[ord(word[0])] = 1
        self.first = bytes(first) if first is not None else None
        self.kinds = {word: (kind, word) for word, kind in matcher.kinds.items()}
        # The words as a trie: a word at a position is found by walking it, not by a regex call
        # (which allocates its stack).
        self.trie = _Trie(self.kinds)
        self.entries = tuple(self.kinds[w] for w in sorted(self.kinds))
        self.before, self.after = matcher.before, matcher.after
        self.ctx_window, self.anti_window = matcher.context.window, matcher.anti.window
        self.ctx_after, self.anti_after = matcher.context.after, matcher.anti.after

    cdef Py_ssize_t _search(self, str folded, Py_ssize_t lo, Py_ssize_t hi, Py_ssize_t *end, int *word) except -2:
        """``rx.search(folded, lo, hi)``: where the leftmost match in folded[lo:hi] starts (-1 for
        none), its end in `end`. A word can only start at a character some word starts with, so
        the window is walked in C and the words are walked in the trie only there: the longest
        word at a position is what the alternation (longest words first) matches. `word`: its
        index in `entries`, or -1 when `re` searched."""
        cdef Py_ssize_t n = PyUnicode_GET_LENGTH(folded), p, j, found
        cdef int kind = PyUnicode_KIND(folded)
        cdef void *data = PyUnicode_DATA(folded)
        cdef const unsigned char *first
        cdef Py_UCS4 c
        if self.first is None:
            m = self.search(folded, lo, hi)
            if m is None:
                return -1
            end[0], word[0] = m.end(), -1
            return m.start()
        first = self.first
        if hi > n:
            hi = n
        if lo < 0:
            lo = 0
        p = lo
        while p < hi:
            c = PyUnicode_READ(kind, data, p)
            if c < 0x10000 and first[c]:
                found = self.trie.longest_word(kind, data, p, hi, word)
                if found >= 0:
                    end[0] = found
                    return p
            p += 1
        return -1

    cdef tuple find(self, str folded, Py_ssize_t start, Py_ssize_t end):
        """`ContextMatcher.find`."""
        cdef object ctx = None, anti = None, word
        cdef Py_ssize_t ctx_from, anti_from, at, stop = 0, limit
        cdef int kind, index = -1
        cdef tuple entry
        if self.search is None:
            return (None, None)
        at = self._search(folded, start - self.before if start > self.before else 0, start, &stop, &index)
        if at >= 0:
            ctx_from = start - self.ctx_window
            anti_from = start - self.anti_window
            while at >= 0:
                entry = <tuple>(self.entries[index] if index >= 0 else self.kinds[folded[at:stop]])
                kind, word = entry[0], entry[1]
                if kind & _CONTEXT and at >= ctx_from:
                    ctx = word
                if kind & _ANTI and at >= anti_from:
                    anti = word
                at = self._search(folded, stop, start, &stop, &index)
        if self.after and (ctx is None or anti is None):
            # rx.finditer over the window after the match: leftmost words, one after another
            limit = min(PyUnicode_GET_LENGTH(folded), end + self.after)
            at = self._search(folded, end, limit, &stop, &index)
            while at >= 0:
                entry = <tuple>(self.entries[index] if index >= 0 else self.kinds[folded[at:stop]])
                kind, word = entry[0], entry[1]
                if ctx is None and kind & _CONTEXT and stop <= end + self.ctx_after:
                    ctx = word
                if anti is None and kind & _ANTI and stop <= end + self.anti_after:
                    anti = word
                at = self._search(folded, stop, limit, &stop, &index)
        return (ctx, anti)


cdef class _Rec:
    cdef str id, entity
    cdef double boost, factor, upper_gain
    cdef bint suppress
    cdef _Words words

    def __init__(self, rec):
        spec = rec.spec
        self.id, self.entity = spec.id, spec.entity
        self.boost = spec.context.boost
        self.factor = spec.anti_context.factor
        self.suppress = spec.anti_context.suppress
        self.upper_gain = rec.upper_gain
        self.words = _Words(rec.words)


DEF _EXPLAINED = 8

# What a pattern's validator is, when it is one of _native's that `_check` answers without a call.
cdef enum:
    _CALL = 0
    _GB11643 = 1
    _GB11643_15 = 2
    _BANK_CARD = 3
    _PREFIX = 4


cdef class _Pat:
    cdef str name
    cdef object fullmatch, validator, exclude
    cdef bytes lead  # compiled.leading_table of the regex
    cdef Py_ssize_t nlead
    cdef dict shapes  # compiled.shapes_by_length of the regex, or None
    cdef double score, unknown_score, invalid_score
    cdef bint has_unknown, has_invalid
    # The explanations this pattern's findings got, by (recognizer, checksum verdict, context word,
    # anti-context word) compared by identity: the verdicts are this module's constants and the
    # words `_Words`' own objects, so a finding costs a few pointer compares, not a tuple hashed
    # into the engine's cache. `held` owns what the pointers point to; entries are never replaced.
    cdef int check  # _CALL, or the validator answered by `_check`
    cdef bytes prefixes  # a _PREFIX check's flags, one per three-digit prefix
    cdef int n_explained
    cdef PyObject *ex_key[_EXPLAINED][4]
    cdef PyObject *ex_value[_EXPLAINED]
    cdef list held

    def __init__(self, pat):
        spec = pat.spec
        self.n_explained = 0
        self.held = []
        self.name = spec.name
        self.fullmatch = pat.rx.fullmatch
        self.lead = pat.lead
        self.nlead = len(self.lead) // 128
        self.shapes = dict(pat.shapes) if pat.shapes is not None else None
        self.validator, self.exclude = pat.validator, pat.exclude
        self.check = _CALL
        if _checks is not None and self.validator is not None:
            if self.validator is _checks.gb11643:
                self.check = _GB11643
            elif self.validator is _checks.gb11643_15:
                self.check = _GB11643_15
            elif self.validator is _checks.bank_card:
                self.check = _BANK_CARD
            elif type(self.validator) is _checks.PrefixCheck and len(self.validator.flags) == 1000:
                self.check, self.prefixes = _PREFIX, self.validator.flags
        self.score = spec.score
        self.has_unknown = spec.unknown_score is not None
        self.unknown_score = spec.unknown_score if self.has_unknown else spec.score
        self.has_invalid = spec.invalid_score is not None
        self.invalid_score = spec.invalid_score if self.has_invalid else 0.0


cdef bint _may_match(_Pat pat, str value) noexcept:
    """False when `value` cannot fullmatch the pattern: an ASCII character where its leading
    table has none (or fewer characters than the positions every match has)."""
    cdef Py_ssize_t i, n = PyUnicode_GET_LENGTH(value)
    cdef int kind = PyUnicode_KIND(value)
    cdef void *data = PyUnicode_DATA(value)
    cdef const unsigned char *lead
    cdef Py_UCS4 c
    if pat.nlead == 0:
        return True
    if n < pat.nlead:
        return False
    lead = pat.lead
    for i in range(pat.nlead):
        c = PyUnicode_READ(kind, data, i)
        if c < 128 and not lead[i * 128 + <Py_ssize_t>c]:
            return False
    return True


cdef int _shape_match(_Pat pat, str value) except -2:
    """pat.rx.fullmatch(value) is not None, answered from the pattern's shapes: 1 or 0, and -1
    when they cannot tell (no shapes, a character beyond ASCII)."""
    cdef Py_ssize_t n = PyUnicode_GET_LENGTH(value), i, k, count
    cdef int kind = PyUnicode_KIND(value)
    cdef void *data = PyUnicode_DATA(value)
    cdef const unsigned char *t
    cdef Py_UCS4 c
    if pat.shapes is None or n == 0:
        return -1
    tables = pat.shapes.get(n)
    if tables is None:
        return -1
    for i in range(n):
        if PyUnicode_READ(kind, data, i) >= 128:
            return -1
    t = <bytes>tables
    count = len(<bytes>tables) // (n * 128)
    for k in range(count):
        for i in range(n):
            c = PyUnicode_READ(kind, data, i)
            if not t[(k * n + i) * 128 + <Py_ssize_t>c]:
                break
        else:
            return 1
    return 0


cdef object _check(_Pat pat, str value):
    """pat.validator(value) for the validators of _native this module knows (`_Pat.check`): the
    same True / False / None, without the call. What they hand to their Python reference (a value
    beyond ASCII) goes to the validator itself."""
    cdef int kind = PyUnicode_KIND(value), ok
    cdef void *data = PyUnicode_DATA(value)
    cdef Py_ssize_t n = PyUnicode_GET_LENGTH(value)
    cdef const unsigned char *flags
    if pat.check == _PREFIX:
        if n < 3 or not _ascii_digits(kind, data, 0, 3):
            return None
        flags = pat.prefixes
        return True if flags[_d(kind, data, 0) * 100 + _d(kind, data, 1) * 10 + _d(kind, data, 2)] else None
    if not value.isascii():
        return pat.validator(value)
    if pat.check == _GB11643:
        return _gb11643_ascii(kind, data, n)
    if pat.check == _GB11643_15:
        return _gb11643_15_ascii(kind, data, n)
    ok = _luhn(value)  # _BANK_CARD
    if ok < 0:
        return pat.validator(value)
    return True if ok else None


cdef class _Step:
    """An entry of a length's plan: (bound, -order, recognizer, pattern)."""

    cdef double bound
    cdef Py_ssize_t neg_order
    cdef _Rec rec
    cdef _Pat pat


ctypedef struct _Entry:
    double bound
    Py_ssize_t k
    Py_ssize_t neg_order
    void *step  # a borrowed _Step, kept alive by the reader's plans


cdef inline bint _less(double a0, Py_ssize_t a1, Py_ssize_t a2, double b0, Py_ssize_t b1, Py_ssize_t b2) noexcept:
    # (a0, a1, a2) < (b0, b1, b2), as Python compares tuples
    if a0 != b0:
        return a0 < b0
    if a1 != b1:
        return a1 < b1
    return a2 < b2


cdef class _Builder:
    """What both readers share: scoring a match, its context, and building the Finding."""

    cdef double min_score
    cdef dict explanations
    cdef object explain
    cdef type finding
    cdef Py_ssize_t offsets[9]  # where each field of `finding` lives in its instances
    # round(x, 4) of the last scores seen
    cdef double rounded_in[16]
    cdef double rounded_out[16]
    cdef int rounded_n

    cdef _setup(self, double min_score, dict explanations, explain, finding_type, tuple fields):
        if len(fields) != 9 or set(fields) != set(finding_type.__slots__):
            raise ValueError(f"fields: the nine slots of {finding_type.__name__}, in order")
        for i, name in enumerate(fields):
            descr = finding_type.__dict__.get(name)
            if type(descr) is not _member_descriptor:
                raise TypeError(f"{finding_type.__name__}.{name} is not a slot")
            self.offsets[i] = (<PyMemberDescrObject *>descr).d_member.offset
        self.min_score, self.explanations, self.explain = min_score, explanations, explain
        self.finding = finding_type
        self.rounded_n = 0

    cdef object _score(self, _Pat pat, str value, double *base):
        """`scoring.score` without the verdict cache: the checksum verdict ("valid", …) with
        the base score in `base`, or None when the match is rejected."""
        if pat.validator is None:
            if pat.exclude is not None and pat.exclude(value):
                return None
            base[0] = pat.score
            return "n/a"
        verdict = _check(pat, value) if pat.check != _CALL else pat.validator(value)
        if verdict is True:
            base[0] = pat.score
            return "valid"
        # Checked only when the own check fails, as in the twin.
        if pat.exclude is not None and pat.exclude(value):
            return None
        if verdict is None:
            base[0] = pat.unknown_score
            return "unknown"
        if not pat.has_invalid:
            return None
        base[0] = pat.invalid_score
        return "invalid"

    cdef tuple _judge(self, _Rec rec, double base, str folded, Py_ssize_t start, Py_ssize_t end, bint prune):
        """`scoring.judge`: (score, context word, anti-context word), or None."""
        cdef double score
        if prune and base + rec.boost < self.min_score:
            return None
        ctx, anti = rec.words.find(folded, start, end)
        score = base
        if ctx is not None:
            score = min(1.0, score + rec.boost)
        if anti is not None:
            if rec.suppress:
                return None
            score *= rec.factor
        return (self._round4(score), ctx, anti)

    cdef double _round4(self, double x):
        """round(x, 4), as Python rounds (correctly, via decimal digits: costly), remembered for
        the few distinct scores a recognizer set produces."""
        cdef int i
        for i in range(self.rounded_n):
            if self.rounded_in[i] == x:
                return self.rounded_out[i]
        cdef double r = _round(x, 4)
        if self.rounded_n < 16:
            self.rounded_in[self.rounded_n], self.rounded_out[self.rounded_n] = x, r
            self.rounded_n += 1
        return r

    cdef object _make(self, _Rec rec, _Pat pat, double base, object checksum, double score, object ctx,
                      object anti, Py_ssize_t start, Py_ssize_t end, str text):
        """`Explainer.make`."""
        cdef int i
        cdef object explanation = None
        for i in range(pat.n_explained):
            if (
                pat.ex_key[i][0] == <PyObject *>rec
                and pat.ex_key[i][1] == <PyObject *>checksum
                and pat.ex_key[i][2] == <PyObject *>ctx
                and pat.ex_key[i][3] == <PyObject *>anti
            ):
                explanation = <object>pat.ex_value[i]
                break
        if explanation is None:
            key = (rec.id, pat.name, checksum, ctx, anti)
            explanation = self.explanations.get(key)
            if explanation is None:
                explanation = self.explain(rec.id, pat.name, base, checksum, ctx, anti)
            i = pat.n_explained
            if i < _EXPLAINED:  # no Python runs from here on: another thread sees all or nothing
                pat.held.extend((rec, checksum, ctx, anti, explanation))
                pat.ex_key[i][0], pat.ex_key[i][1] = <PyObject *>rec, <PyObject *>checksum
                pat.ex_key[i][2], pat.ex_key[i][3] = <PyObject *>ctx, <PyObject *>anti
                pat.ex_value[i] = <PyObject *>explanation
                pat.n_explained = i + 1
        f = PyBaseObject_Type.tp_new(self.finding, <PyObject *>_NO_ARGS, NULL)
        self._set(f, 0, rec.entity)
        self._set(f, 1, start)
        self._set(f, 2, end)
        self._set(f, 3, text[start:end])
        self._set(f, 4, PyFloat_FromDouble(score))
        self._set(f, 5, rec.id)
        self._set(f, 6, explanation)
        self._set(f, 7, {})
        self._set(f, 8, {})
        return f

    cdef inline void _set(self, object f, int field, object value):
        # A fresh instance's slots are NULL: store a new reference, nothing to release.
        Py_INCREF(value)
        (<PyObject **>((<char *><PyObject *>f) + self.offsets[field]))[0] = <PyObject *>value


cdef class NumberReader(_Builder):
    """`Engine._numbers_in_python` for one engine's number recognizers. Immutable once built."""

    cdef list plans  # [length] -> tuple of _Step, best bound first (the engine's `_by_len`); () for none
    cdef bytes lengths
    cdef Py_ssize_t max_len

    def __init__(self, by_len, bytes lengths, Py_ssize_t max_len, double min_score,
                 dict explanations, explain, finding_type, tuple fields):
        """`by_len`: the engine's plans ({length: ((bound, 0, -order, rec, pat), ...)});
        `explanations`: its shared explanation cache, filled through `explain(rec_id, pattern,
        base, checksum, ctx, anti)`; `finding_type`: a class with ``__slots__`` whose `fields`
        are (entity_type, start, end, text, score, recognizer, explanation, location,
        attributes), built as `model.new_finding` does: the slots written directly."""
        cdef _Step step
        self._setup(min_score, explanations, explain, finding_type, fields)
        recs, pats = {}, {}
        self.plans = [()] * (max(by_len, default=0) + 1)
        for n, plan in by_len.items():
            steps = []
            for bound, _, neg_order, rec, pat in plan:
                step = _Step()
                step.bound, step.neg_order = bound, neg_order
                step.rec = recs.get(id(rec)) or recs.setdefault(id(rec), _Rec(rec))
                step.pat = pats.get(id(pat)) or pats.setdefault(id(pat), _Pat(pat))
                steps.append(step)
            self.plans[n] = tuple(steps)
        if max_len > MAX_TRY_LEN:
            raise ValueError(f"max_len: at most {MAX_TRY_LEN}")
        self.lengths, self.max_len = lengths, max_len

    def read(self, str text not None, str folded not None, bint prune):
        """`Engine._numbers_in_python(text, folded, prune)`: the runs and their tries come from
        `_Runs` (runs.number_steps's steps without the lists)."""
        cdef list out = []
        cdef _Runs runs = _Runs(folded, self.lengths, self.max_len)
        cdef Py_ssize_t gi, count, chosen = -1
        while runs.next_run():
            gi = 0
            while gi < runs.ng:
                count = runs.tries_at(gi)
                finding = self._best(runs, gi, count, text, folded, prune, &chosen) if count else None
                if finding is None:
                    gi += 1
                    continue
                out.append(finding)
                gi = runs.t_last[chosen] + 1
        return out

    cdef object _best(self, _Runs runs, Py_ssize_t gi, Py_ssize_t ntries, str text, str folded, bint prune,
                      Py_ssize_t *chosen):
        """`passes.best_reading` then `Explainer.make` for the tries at group `gi`: the finding (and
        in `chosen` the try it reads), or None."""
        cdef Py_ssize_t k, m = 0, a, b, count = 0, length
        cdef tuple plan, judged
        cdef _Step step
        cdef _Entry local[16]
        cdef _Entry *entries = local
        cdef _Entry tmp
        cdef double best0 = -1.0, base = 0.0, score
        cdef Py_ssize_t best1 = 0, best2 = 0, best_k = -1
        cdef object checksum
        cdef _Step best_step = None
        cdef object best_ctx = None, best_anti = None, best_checksum = None
        cdef double best_base = 0.0
        cdef Py_ssize_t value_k = -1, nplans = len(self.plans)
        cdef str value = None  # the value of try value_k, made when first needed
        for k in range(ntries):
            length = runs.cum[runs.t_last[k]] - (runs.cum[gi - 1] if gi else 0) - runs.t_skip[k]
            if length < nplans:
                count += len(<tuple>self.plans[length])
        if count == 0:
            return None
        if count > 16:
            entries = <_Entry *>malloc(count * sizeof(_Entry))
            if entries == NULL:
                raise MemoryError()
        try:
            for k in range(ntries):
                length = runs.cum[runs.t_last[k]] - (runs.cum[gi - 1] if gi else 0) - runs.t_skip[k]
                if length >= nplans:
                    continue
                plan = <tuple>self.plans[length]
                for step in plan:
                    entries[m].bound, entries[m].k, entries[m].neg_order = step.bound, k, step.neg_order
                    entries[m].step = <void *>step
                    m += 1
            if ntries > 1:
                # best first: (bound, k, -order) descending; the keys are distinct
                for a in range(1, m):
                    tmp = entries[a]
                    b = a - 1
                    while b >= 0 and _less(entries[b].bound, entries[b].k, entries[b].neg_order,
                                           tmp.bound, tmp.k, tmp.neg_order):
                        entries[b + 1] = entries[b]
                        b -= 1
                    entries[b + 1] = tmp
            for a in range(m):
                if _less(entries[a].bound, entries[a].k, entries[a].neg_order, best0, best1, best2):
                    break  # neither this reading nor any after it can win
                step = <_Step>entries[a].step
                k = entries[a].k
                if k != value_k:
                    value, value_k = <str>runs.value(gi, k), k
                if not _may_match(step.pat, value):
                    continue
                shaped = _shape_match(step.pat, value)
                if shaped == 0 or (shaped < 0 and step.pat.fullmatch(value) is None):
                    continue
                checksum = self._score(step.pat, value, &base)
                if checksum is None:
                    continue
                if _less(min(1.0, base + step.rec.upper_gain), k, entries[a].neg_order, best0, best1, best2):
                    continue
                judged = self._judge(step.rec, base, folded, runs.start(gi, k), runs.end(k), prune)
                if judged is None:
                    continue
                score = judged[0]
                if _less(best0, best1, best2, score, k, entries[a].neg_order):
                    best0, best1, best2 = score, k, entries[a].neg_order
                    best_k, best_step, best_base = k, step, base
                    best_checksum, best_ctx, best_anti = checksum, judged[1], judged[2]
        finally:
            if entries != local:
                free(entries)
        if best_step is None:
            return None
        chosen[0] = best_k
        return self._make(best_step.rec, best_step.pat, best_base, best_checksum, best0, best_ctx, best_anti,
                          runs.start(gi, best_k), runs.end(best_k), text)


cdef class TextReader(_Builder):
    """`Engine._texts_in_python` for one text recognizer."""

    cdef _Rec rec
    cdef tuple pats  # (_Pat, finditer) per pattern
    cdef bint boundaries

    def __init__(self, rec, double min_score, dict explanations, explain, finding_type, tuple fields):
        self._setup(min_score, explanations, explain, finding_type, fields)
        self.rec = _Rec(rec)
        self.pats = tuple((_Pat(p), p.rx.finditer) for p in rec.patterns)
        self.boundaries = rec.spec.boundaries

    def read(self, str text not None, str folded not None, bint prune, spans):
        """The findings of this recognizer's patterns in `spans` of `folded` ((start, end)
        pairs), pattern by pattern, in order."""
        cdef list out = []
        cdef _Pat pat
        cdef Py_ssize_t s, e, n = len(folded)
        cdef double base = 0.0
        cdef tuple judged
        cdef Py_UCS4 c
        for pat, finditer in self.pats:
            for lo, hi in spans:
                for m in finditer(folded, lo, hi):
                    s, e = m.start(), m.end()
                    if (s > 0 and _mask(folded[s - 1])) or (e < n and _mask(folded[e])):
                        continue  # normalise.touches_mask
                    if self.boundaries and s > 0:
                        c = folded[s - 1]
                        if 48 <= c <= 57 or 65 <= c <= 90 or 97 <= c <= 122:
                            continue
                    checksum = self._score(pat, m.group(), &base)
                    if checksum is None:
                        continue
                    judged = self._judge(self.rec, base, folded, s, e, prune)
                    if judged is not None:
                        out.append(self._make(self.rec, pat, base, checksum, judged[0], judged[1], judged[2],
                                              s, e, text))
        return out


include "_cells.pxi"
include "_labels.pxi"
