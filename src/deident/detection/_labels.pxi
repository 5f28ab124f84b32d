# The label hit loop at C level, included by _reading.pyx. The reference is
# labelled/labels.LabelReader.read_python (with words.word_hits, _value_end, _blocked and
# _read_whole there);
# tests/detection/labelled/test_labels_compiled.py holds both to the same findings.


cdef inline bint _label_sep(Py_UCS4 c) noexcept nogil:
    return c == 32 or c == 45 or c == 46 or c == 0x200B


cdef bint _continues(int kind, void *data, Py_ssize_t n, Py_ssize_t at) noexcept:
    # labels._CONTINUES.match: up to three of " -.\u200b", then a letter or digit
    cdef Py_ssize_t k = 0
    cdef Py_UCS4 c
    while at + k < n and k <= 3:
        c = PyUnicode_READ(kind, data, at + k)
        if _alnum(c):
            return True
        if not _label_sep(c) or k == 3:
            return False
        k += 1
    return False


cdef inline bint _latin(Py_UCS4 c) noexcept nogil:
    return 65 <= c <= 90 or 97 <= c <= 122 or c == 95


cdef class _LOwner:
    """A labels._Owner, flattened."""

    cdef object owner, entity, not_after, prefix
    cdef tuple values  # the value shapes' match methods
    cdef Py_ssize_t lo, hi
    cdef double score
    cdef bint anti  # the recognizer's anti-context suppresses: ask labels._blocked


cdef class LabelScan:
    """`LabelReader.read_python` for one reader. Immutable once built."""

    cdef dict owners  # word -> tuple of _LOwner
    cdef object first, glue, finding, blocked
    cdef double strong
    cdef Py_ssize_t reach
    cdef _Trie words

    def __init__(self, dict owners not None, bytes first, double strong, Py_ssize_t reach, glue, finding, blocked):
        """`owners`: the reader's {word: (_Owner, ...)}; `first`: its table of the characters
        words start with (bit 1) and go on with (bit 2), as `words.word_hits` takes it; `glue`: the match method of the pattern
        between a label and its value; `finding(owner, word, text, start, end)` and
        `blocked(owner, folded, start, at)`: the reader's own."""
        cdef _LOwner lo
        cdef dict made = {}
        self.owners = {}
        for word, group in owners.items():
            flat = []
            for o in group:
                lo = made.get(id(o))
                if lo is None:
                    lo = _LOwner()
                    lo.owner, lo.entity = o, o.rec.spec.entity
                    lo.not_after = o.not_after.search if o.not_after is not None else None
                    lo.prefix = o.prefix.match if o.prefix is not None else None
                    lo.values = tuple(v.match for v in o.values)
                    lo.lo, lo.hi, lo.score = o.lo, o.hi, o.score
                    anti = o.rec.spec.anti_context
                    lo.anti = bool(anti.suppress and anti.words)
                    made[id(o)] = lo
                flat.append(lo)
            self.owners[word] = tuple(flat)
        self.first, self.strong, self.reach = first, strong, reach
        self.glue, self.finding, self.blocked = glue, finding, blocked
        self.words = _Trie(owners)

    cdef Py_ssize_t _next_hit(self, int kind, void *data, Py_ssize_t n, Py_ssize_t i, dict read,
                              Py_ssize_t *stop) except -2:
        """`words.word_hits` one hit at a time: the start of the next word at or after `i` with a
        value within reach (its end in `stop`), or -1."""
        cdef const unsigned char *starts = self.first
        cdef Py_ssize_t limit = len(self.first), end, j
        cdef const unsigned short *wide = <const unsigned short *>data
        cdef Py_UCS4 c
        while i < n:
            if kind == 2:  # most Chinese text: skip to a character a word starts with, in C
                while i < n and (wide[i] >= limit or not (starts[wide[i]] & 1)):
                    i += 1
                if i >= n:
                    break
            c = PyUnicode_READ(kind, data, i)
            if c >= limit or not (starts[c] & 1):
                i += 1
                continue
            if i + 1 >= n:
                break
            c = PyUnicode_READ(kind, data, i + 1)
            if c >= limit or not (starts[c] & 2):
                i += 1
                continue
            end = self.words.longest(kind, data, i, n)
            if end < 0:
                i += 1
                continue
            if not self.reach:
                stop[0] = end
                return i
            j = end
            while j < n and j < end + self.reach and not _alnum(PyUnicode_READ(kind, data, j)):
                if PyUnicode_READ(kind, data, j) == 10:
                    j = n  # a value is on its label's line
                    break
                j += 1
            if j >= n or j >= end + self.reach:
                i = end
                continue
            if read is not None:
                done = read.get(j)
                if done is not None and not _continues(kind, data, n, <Py_ssize_t>done):
                    i = end
                    continue
            stop[0] = end
            return i
        return -1

    def read(self, str text not None, str folded not None, found):
        cdef list out = []
        cdef dict read = None, by_start = None
        cdef Py_ssize_t n = PyUnicode_GET_LENGTH(folded), pos = 0, start, stop = 0, at, end, best_end, next_at
        cdef int kind = PyUnicode_KIND(folded)
        cdef void *data = PyUnicode_DATA(folded)
        cdef _LOwner owner, best
        cdef tuple owners
        if not self.owners:
            return out
        if found:
            read = {}
            for f in found:
                if f.score >= self.strong:
                    read[f.start] = f.end
        next_at = 0
        while True:
            start = self._next_hit(kind, data, n, next_at, read, &stop)
            if start < 0:
                break
            next_at = stop
            if start < pos:
                continue  # inside the value just read
            if _latin(PyUnicode_READ(kind, data, start)) and start > 0 \
                    and _latin(PyUnicode_READ(kind, data, start - 1)):
                continue  # "tel" inside "hotel"
            m = self.glue(folded, stop)
            if m is None:
                continue
            at = m.end()
            word = folded[start:stop]
            owners = <tuple>self.owners[word]
            if found:
                if by_start is None:
                    by_start = {f.start: f for f in found}
                f = by_start.get(at)
                if f is not None and self._read_whole(f, owners, kind, data, n):
                    pos = f.end
                    continue
            best = None
            best_end = -1
            for owner in owners:
                end = self._value_end(owner, folded, kind, data, n, at)
                if end >= 0 and (best is None or end > best_end) and not self._blocked(owner, folded, start, at):
                    best, best_end = owner, end
            if best is None:
                continue
            if best.prefix is not None:
                p = best.prefix(folded, at, best_end)
                if p is not None and p.end() < best_end:
                    at = p.end()
            out.append(self.finding(best.owner, word, text, at, best_end))
            pos = best_end
        return out

    cdef bint _read_whole(self, f, tuple owners, int kind, void *data, Py_ssize_t n) except -1:
        """labels._read_whole."""
        cdef _LOwner o
        entity, score = f.entity_type, f.score
        for o in owners:
            if o.entity == entity and score >= o.score:
                return not _continues(kind, data, n, f.end)
        return False

    cdef bint _blocked(self, _LOwner owner, str folded, Py_ssize_t start, Py_ssize_t at) except -1:
        """labels._blocked."""
        if owner.not_after is not None and owner.not_after(folded, start - 8 if start > 8 else 0, start) is not None:
            return True
        if owner.anti:
            return bool(self.blocked(owner.owner, folded, start, at))
        return False

    cdef Py_ssize_t _value_end(self, _LOwner owner, str folded, int kind, void *data, Py_ssize_t n,
                               Py_ssize_t at) except -2:
        """labels._value_end, -1 for None."""
        cdef Py_ssize_t best = -1, end, i, count
        cdef Py_UCS4 c
        for match in owner.values:
            v = match(folded, at)
            if v is None:
                continue
            end = v.end()
            if end == at:
                continue
            if end < n:
                c = PyUnicode_READ(kind, data, end)
                if _alnum(c) or c == 95:
                    continue  # labels._AFTER: the value goes on
                if _mask(c) and not (c == 42 and end + 1 < n and PyUnicode_READ(kind, data, end + 1) == 42):
                    continue  # an already masked value: 4408811990****1233
            count = 0
            for i in range(at, end):
                c = PyUnicode_READ(kind, data, i)
                if _alnum(c) or 0x3400 <= c <= 0x9FFF:
                    count += 1
            if owner.lo <= count <= owner.hi and end > best:
                best = end
        return best


cdef class Merger(_Builder):
    """`labels.merge_python` for lists of findings with int offsets; anything else goes to
    `fallback`. `raised(f, lab)` is the twin's own: f with the label's score and notes."""

    cdef object fallback, raised

    def __init__(self, fallback, raised, finding_type, tuple fields):
        self._setup(0.0, {}, None, finding_type, fields)
        self.fallback, self.raised = fallback, raised

    cdef inline PyObject *_slot(self, object f, int field) noexcept:
        return (<PyObject **>((<char *><PyObject *>f) + self.offsets[field]))[0]

    cdef bint _readable(self, list xs) noexcept:
        cdef PyObject *v
        for f in xs:
            if type(f) is not self.finding:
                return False
            for field in (1, 2):
                v = self._slot(f, field)
                if v == NULL or type(<object>v) is not int:
                    return False
            if self._slot(f, 0) == NULL or self._slot(f, 4) == NULL:
                return False
        return True

    def __call__(self, found, labelled):
        cdef list fs, labs, out
        cdef Py_ssize_t n, i, lo, hi, mid, prev, ls, le, longest = 0, x
        cdef _At *ats
        cdef char *taken
        cdef bint in_order = True
        if not labelled:
            return found
        if type(found) is not list or type(labelled) is not list:
            return self.fallback(found, labelled)
        fs, labs = <list>found, <list>labelled
        if not (self._readable(fs) and self._readable(labs)):
            return self.fallback(found, labelled)
        n = len(fs)
        ats = <_At *>malloc((n if n else 1) * sizeof(_At))
        taken = <char *>malloc(n if n else 1)
        if ats == NULL or taken == NULL:
            free(ats)
            free(taken)
            raise MemoryError()
        try:
            for i in range(n):
                f = fs[i]
                ats[i].start = <object>self._slot(f, 1)
                ats[i].end = <object>self._slot(f, 2)
                ats[i].at = i
                taken[i] = 0
                if i and ats[i].start < ats[i - 1].start:
                    in_order = False
            if not in_order:
                qsort(ats, n, sizeof(_At), _by_start)
            for i in range(n):
                x = ats[i].end - ats[i].start
                if i == 0 or x > longest:
                    longest = x
            out = []
            for lab in labs:
                ls, le = <object>self._slot(lab, 1), <object>self._slot(lab, 2)
                lab_entity = <object>self._slot(lab, 0)
                # bisect_left(starts, ls - longest), bisect_left(starts, le)
                lo, hi = 0, n
                while lo < hi:
                    mid = (lo + hi) // 2
                    if ats[mid].start < ls - longest:
                        lo = mid + 1
                    else:
                        hi = mid
                i = lo
                replaced = None
                while i < n and ats[i].start < le:
                    if not taken[i] and ats[i].end > ls:
                        if ats[i].start <= ls and ats[i].end >= le and \
                                <object>self._slot(fs[ats[i].at], 0) == lab_entity:
                            replaced = fs[ats[i].at]  # the pattern reads the same value
                            taken[i] = 1
                        elif ats[i].start >= ls and ats[i].end <= le:
                            taken[i] = 1  # inside the labelled value
                    i += 1
                if replaced is not None:
                    if <object>self._slot(replaced, 4) < <object>self._slot(lab, 4):
                        replaced = self.raised(replaced, lab)
                    out.append(replaced)
                else:
                    out.append(lab)
            for i in range(n):
                if not taken[i]:
                    out.append(fs[ats[i].at])
            return out
        finally:
            free(ats)
            free(taken)
