# Text-table cells at C level, included by _reading.pyx (after _Builder). The reference is
# labelled/text_tables.table_cells_python: `cells_to_check`, then for a cell no finding touches
# `hints.apply_hint` with nothing found, the engine's `_kept` and `hints.explain_id`.
# tests/detection/labelled/test_cells_compiled.py holds both to the same findings.

from cpython.unicode cimport Py_UNICODE_ISSPACE


cdef str _NOT_PERSONAL = "NOT_PERSONAL"
cdef str _PERSON = "PERSON"
cdef str _RESIDENT_ID = "CN_RESIDENT_ID"
cdef str _MOBILE = "CN_MOBILE"
cdef str _LANDLINE = "CN_LANDLINE"
cdef str _TABLE_HEADER = "table_header"


cdef Py_ssize_t _bisect_left(list xs, Py_ssize_t x) except -1:
    cdef Py_ssize_t lo = 0, hi = len(xs), mid
    while lo < hi:
        mid = (lo + hi) >> 1
        if <Py_ssize_t>xs[mid] < x:
            lo = mid + 1
        else:
            hi = mid
    return lo


cdef Py_ssize_t _bisect_right(list xs, Py_ssize_t x) except -1:
    cdef Py_ssize_t lo = 0, hi = len(xs), mid
    while lo < hi:
        mid = (lo + hi) >> 1
        if x < <Py_ssize_t>xs[mid]:
            hi = mid
        else:
            lo = mid + 1
    return lo


cdef Py_ssize_t _rfind(int kind, void *data, Py_UCS4 c, Py_ssize_t lo, Py_ssize_t hi) noexcept:
    cdef Py_ssize_t i = hi - 1
    while i >= lo:
        if PyUnicode_READ(kind, data, i) == c:
            return i
        i -= 1
    return -1


cdef Py_ssize_t _find(int kind, void *data, Py_UCS4 c, Py_ssize_t lo, Py_ssize_t hi) noexcept:
    cdef Py_ssize_t i = lo
    while i < hi:
        if PyUnicode_READ(kind, data, i) == c:
            return i
        i += 1
    return -1


cdef bint _mobile_digits(int kind, void *data, Py_ssize_t lo, Py_ssize_t hi) noexcept:
    """hints._phone_kind: the ASCII digits of text[lo:hi] fullmatch (?:0{0,2}86)?1[3-9][0-9]{9}."""
    cdef char d[16]
    cdef Py_ssize_t n = 0, i, p
    cdef Py_UCS4 c
    for i in range(lo, hi):
        c = PyUnicode_READ(kind, data, i)
        if _digit(c):
            if n == 15:
                return False
            d[n] = <char>c
            n += 1
    if n == 11:
        p = 0
    elif n == 13 and d[0] == b'8' and d[1] == b'6':
        p = 2
    elif n == 14 and d[0] == b'0' and d[1] == b'8' and d[2] == b'6':
        p = 3
    elif n == 15 and d[0] == b'0' and d[1] == b'0' and d[2] == b'8' and d[3] == b'6':
        p = 4
    else:
        return False
    return d[p] == b'1' and b'3' <= d[p + 1] <= b'9'


cdef str _FORMAT = "format"
cdef str _REGION = "region code"
cdef str _BIRTH = "birth date"
cdef str _CHECK = "check digit"
cdef object _NOT_ASCII = object()


cdef object _id_problem(str value):
    """validators.id_problem for an ASCII value (fold changes no ASCII character); `_NOT_ASCII`
    for any other, which the reference answers."""
    cdef char v[18]
    cdef Py_ssize_t n = 0, i
    cdef int total = 0
    cdef Py_UCS4 c
    if not value.isascii():
        return _NOT_ASCII
    cdef int x
    for c in value:
        x = <int>c
        if 97 <= x <= 122:
            x -= 32
        if 48 <= x <= 57 or 65 <= x <= 90:
            if n < 18:
                v[n] = <char>x
            n += 1
    if n == 15:
        for i in range(15):
            if not _digit(v[i]):
                return _FORMAT
        if not _province(v[0] - 48, v[1] - 48):
            return _REGION
        if _real_ymd(1900 + (v[6] - 48) * 10 + v[7] - 48, (v[8] - 48) * 10 + v[9] - 48,
                     (v[10] - 48) * 10 + v[11] - 48):
            return None
        return _BIRTH
    if n != 18:
        return f"length {n}"
    for i in range(17):
        if not _digit(v[i]):
            return _FORMAT
    if not (_digit(v[17]) or v[17] == b'X'):
        return _FORMAT
    if not _province(v[0] - 48, v[1] - 48):
        return _REGION
    if not _real_ymd((v[6] - 48) * 1000 + (v[7] - 48) * 100 + (v[8] - 48) * 10 + v[9] - 48,
                     (v[10] - 48) * 10 + v[11] - 48, (v[12] - 48) * 10 + v[13] - 48):
        return _BIRTH
    for i in range(17):  # ISO 7064 MOD 11-2, as _native.gb11643
        total = (total * 2 + (v[i] - 48) * 2) % 11
    return None if _ID_CHECK[total] == v[17] else _CHECK


cdef class TableCells(_Builder):
    """`text_tables.table_cells_python` for one engine (its recognizers by entity, its wanted
    entities and threshold). Immutable once built."""

    cdef dict owners
    cdef object wanted  # a frozenset, or None for every entity
    cdef double hint_score
    cdef Py_ssize_t non_value_len  # the longest of `non_values`
    cdef object hint_score_obj, header, id_problem, id_explanation, non_values

    def __init__(self, dict owners not None, wanted, double min_score, double hint_score, header,
                 id_problem, id_explanation, non_values, finding_type, tuple fields):
        self._setup(min_score, {}, None, finding_type, fields)
        self.owners, self.wanted = owners, wanted
        self.hint_score, self.hint_score_obj = hint_score, hint_score
        self.header, self.id_problem, self.id_explanation = header, id_problem, id_explanation
        self.non_values = frozenset(non_values)
        self.non_value_len = max(map(len, self.non_values), default=0)

    cdef inline bint _wants(self, object entity) except -1:
        return self.wanted is None or entity in self.wanted

    def read(self, str text not None, Py_ssize_t t_start, Py_ssize_t t_end, str sep not None,
             tuple columns not None, list starts not None, list ends not None):
        """(findings, cells left to `hints.apply_cells`) of the table text[t_start:t_end] (its data
        rows) whose columns name `columns`, given the engine's resolved findings."""
        cdef list found = [], rest = []
        cdef dict cells = {}
        cdef Py_ssize_t n = PyUnicode_GET_LENGTH(text), i, j, k = 0, m = len(starts), hi
        cdef Py_ssize_t k_start = 0, k_end = 0, a, b
        cdef int kind = PyUnicode_KIND(text)
        cdef void *data = PyUnicode_DATA(text)
        cdef Py_UCS4 s = sep[0]
        cdef tuple cell
        cdef bint any_wanted = False
        for e in columns:
            if e and (e == _NOT_PERSONAL or self._wants(e)):
                any_wanted = True
                break
        if not any_wanted:
            return found, rest
        # words.unread_runs(text, t_start, t_end, starts, ends, 4), each run's named cell
        hi = t_end if t_end < n else n
        i = t_start if t_start > 0 else 0
        if m:
            k_start, k_end = starts[0], ends[0]
        while i < hi:
            if not _alnum(PyUnicode_READ(kind, data, i)):
                i += 1
                continue
            j = i + 1
            while j < hi and _alnum(PyUnicode_READ(kind, data, j)):
                j += 1
            while k < m and k_end <= i:
                k += 1
                if k < m:
                    k_start, k_end = starts[k], ends[k]
            if j - i >= 4 and not (k < m and k_start < j):
                cell = self._cell_at(kind, data, n, t_start, t_end, s, columns, i)
                if cell is not None and cell[2] != _NOT_PERSONAL and self._wants(cell[2]):
                    cells.setdefault(cell[:2], cell)
            i = j
        if _NOT_PERSONAL in columns:
            for k in range(_bisect_left(starts, t_start), _bisect_left(starts, t_end)):
                cell = self._cell_at(kind, data, n, t_start, t_end, s, columns, starts[k])
                if cell is not None and cell[2] == _NOT_PERSONAL:
                    cells.setdefault(cell[:2], cell)
        for cell in sorted(cells.values()):
            a, b = cell[0], cell[1]
            k = _bisect_right(ends, a)
            if (k < m and <Py_ssize_t>starts[k] < b) or cell[2] == _PERSON:
                rest.append(cell)
                continue
            f = self._cell(text, kind, data, a, b, cell[2])
            if f is not None:
                found.append(f)
        return found, rest

    cdef object _cell_at(self, int kind, void *data, Py_ssize_t n, Py_ssize_t t_start, Py_ssize_t t_end,
                         Py_UCS4 sep, tuple columns, Py_ssize_t at):
        """text_tables._cell_at."""
        cdef Py_ssize_t row, col = 0, i, row_end, a, b, end = t_end if t_end < n else n
        row = _rfind(kind, data, 10, t_start, at) + 1 or t_start
        for i in range(row, at):
            if PyUnicode_READ(kind, data, i) == sep:
                col += 1
        if sep == 124:  # "|": the piece before the first pipe is no column
            col -= 1
        if not 0 <= col < len(columns):
            return None
        entity = columns[col]
        if not entity:
            return None
        row_end = _find(kind, data, 10, at, end)
        if row_end < 0:
            row_end = end
        a = _rfind(kind, data, sep, row, at) + 1 or row
        b = _find(kind, data, sep, at, row_end)
        return (a, row_end if b < 0 else b, entity)

    cdef object _cell(self, str text, int kind, void *data, Py_ssize_t a, Py_ssize_t b, entity):
        """`apply_hint(text, [], entity, "column header", (), a, b, owners)` kept as `_kept` keeps
        it: the finding, or None."""
        cdef Py_ssize_t lo = a, hi = b, i
        cdef Py_UCS4 c
        cdef bint value = False
        if hi > PyUnicode_GET_LENGTH(text):
            hi = PyUnicode_GET_LENGTH(text)
        for i in range(lo, hi):
            c = PyUnicode_READ(kind, data, i)
            if _mask(c):
                return None  # normalise.is_masked_value
            if not value and (_alnum(c) or 0x3400 <= c <= 0x9FFF):
                value = True  # tables._HAS_VALUE
        if not value:
            return None
        while lo < hi and Py_UNICODE_ISSPACE(PyUnicode_READ(kind, data, lo)):
            lo += 1
        while hi > lo and Py_UNICODE_ISSPACE(PyUnicode_READ(kind, data, hi - 1)):
            hi -= 1
        cdef str cell = text[lo:hi]
        if hi - lo <= self.non_value_len and cell in self.non_values:
            return None
        if entity == _NOT_PERSONAL:
            return None
        if entity == _MOBILE or entity == _LANDLINE:
            entity = _MOBILE if _mobile_digits(kind, data, lo, hi) else _LANDLINE
        if self.hint_score < self.min_score or not self._wants(entity):
            return None
        explanation = self.header
        if entity == _RESIDENT_ID:
            problem = _id_problem(cell)
            if problem is _NOT_ASCII:
                problem = self.id_problem(cell)
            if problem is not None:
                explanation = self.id_explanation(problem)
        f = PyBaseObject_Type.tp_new(self.finding, <PyObject *>_NO_ARGS, NULL)
        self._set(f, 0, entity)
        self._set(f, 1, lo)
        self._set(f, 2, hi)
        self._set(f, 3, cell)
        self._set(f, 4, self.hint_score_obj)
        self._set(f, 5, self.owners.get(entity, _TABLE_HEADER))
        self._set(f, 6, explanation)
        self._set(f, 7, {})
        self._set(f, 8, {})
        return f


cdef class Keeper(_Builder):
    """`resolve.keep_python` for one engine's threshold and wanted entities: the findings kept,
    an ID that is not checksum-valid explained by `explain_id`."""

    cdef object wanted, explain_id
    cdef str valid

    def __init__(self, double min_score, wanted, explain_id, finding_type, tuple fields):
        self._setup(min_score, {}, None, finding_type, fields)
        self.wanted, self.explain_id, self.valid = wanted, explain_id, "valid"

    cdef inline object _get(self, object f, int field):
        cdef PyObject *v = (<PyObject **>((<char *><PyObject *>f) + self.offsets[field]))[0]
        if v == NULL:
            raise AttributeError("a slot of a finding is unset")
        return <object>v

    def keep(self, list found not None):
        cdef list out = []
        cdef object entity, last = self  # never an entity: the first finding is always asked
        cdef double score
        cdef bint wanted = False, is_id = False
        for f in found:
            if type(f) is self.finding:
                entity, score = self._get(f, 0), self._get(f, 4)
            else:
                entity, score = f.entity_type, f.score
            if score < self.min_score:
                continue
            if entity is not last:  # findings share their entity's string: asked once per run of one
                wanted = self.wanted is None or entity in self.wanted
                is_id = entity == _RESIDENT_ID
                last = entity
            if not wanted:
                continue
            if is_id and f.explanation.checksum != self.valid:
                f = self.explain_id(f)
            out.append(f)
        return out


ctypedef struct _At:
    Py_ssize_t start, end, at


cdef int _by_start(const void *a, const void *b) noexcept nogil:
    # key start, then the list's order: a stable sort by labels._START
    cdef const _At *x = <const _At *>a
    cdef const _At *y = <const _At *>b
    if x.start != y.start:
        return -1 if x.start < y.start else 1
    return -1 if x.at < y.at else (1 if x.at > y.at else 0)


cdef class Spans(_Builder):
    """`resolve.spans_python` and `resolve.by_start_python` for lists of findings with int
    offsets (anything else goes to the twins)."""

    cdef object spans_fallback, by_start_fallback

    def __init__(self, spans_fallback, by_start_fallback, finding_type, tuple fields):
        self._setup(0.0, {}, None, finding_type, fields)
        self.spans_fallback, self.by_start_fallback = spans_fallback, by_start_fallback

    cdef inline PyObject *_slot(self, object f, int field) noexcept:
        return (<PyObject **>((<char *><PyObject *>f) + self.offsets[field]))[0]

    def spans(self, found):
        """([f.start for f in found], [f.end for f in found])."""
        cdef list starts = [], ends = []
        cdef PyObject *s
        cdef PyObject *e
        if type(found) is not list:
            return self.spans_fallback(found)
        for f in <list>found:
            if type(f) is not self.finding:
                return self.spans_fallback(found)
            s, e = self._slot(f, 1), self._slot(f, 2)
            if s == NULL or e == NULL:
                return self.spans_fallback(found)
            starts.append(<object>s)
            ends.append(<object>e)
        return starts, ends

    def by_start(self, a, b):
        """sorted([*a, *b], key=start): stable, so a tie keeps `a`'s finding first."""
        cdef list both
        cdef Py_ssize_t n, i
        cdef _At *ats
        cdef PyObject *v
        cdef bint in_order = True
        if type(a) is not list or type(b) is not list:
            return self.by_start_fallback(a, b)
        both = <list>a + <list>b
        n = len(both)
        ats = <_At *>malloc((n if n else 1) * sizeof(_At))
        if ats == NULL:
            raise MemoryError()
        try:
            for i in range(n):
                f = both[i]
                if type(f) is not self.finding:
                    return self.by_start_fallback(a, b)
                v = self._slot(f, 1)
                if v == NULL or type(<object>v) is not int:
                    return self.by_start_fallback(a, b)
                ats[i].start, ats[i].at = <object>v, i
                if i and ats[i].start < ats[i - 1].start:
                    in_order = False
            if in_order:
                return both
            qsort(ats, n, sizeof(_At), _by_start)
            return [both[ats[i].at] for i in range(n)]
        finally:
            free(ats)


ctypedef struct _Span:
    Py_ssize_t start, end
    double score
    Py_ssize_t at  # the finding's index in the list resolved (ties keep the order, as sorted() does)


cdef int _by_span(const void *a, const void *b) noexcept nogil:
    # key (start, end), then the list's order: a stable sort by resolve._SPAN
    cdef const _Span *x = <const _Span *>a
    cdef const _Span *y = <const _Span *>b
    if x.start != y.start:
        return -1 if x.start < y.start else 1
    if x.end != y.end:
        return -1 if x.end < y.end else 1
    return -1 if x.at < y.at else (1 if x.at > y.at else 0)


cdef inline bint _ranks_before(const _Span *x, const _Span *y) noexcept nogil:
    # resolve._rank(x) < resolve._rank(y): (-score, -length, start)
    if x.score != y.score:
        return x.score > y.score
    if x.end - x.start != y.end - y.start:
        return x.end - x.start > y.end - y.start
    return x.start < y.start


cdef class Resolver(_Builder):
    """`resolve.resolve_overlaps_python` in C for lists of findings (int offsets, float scores):
    lists already in order and apart (most texts: the number pass reports in order) are answered
    on one look at each finding; others are sorted and their clusters of overlapping findings
    picked from as the twin does. Anything else goes to `fallback`."""

    cdef object fallback

    def __init__(self, fallback, finding_type, tuple fields):
        self._setup(0.0, {}, None, finding_type, fields)
        self.fallback = fallback

    def __call__(self, findings):
        cdef list found
        cdef Py_ssize_t i, n, prev_start = 0, prev_end = 0, start, end
        cdef PyObject *v
        cdef bint apart = True
        if type(findings) is not list:
            return self.fallback(findings)
        found = <list>findings
        n = len(found)
        for i in range(n):
            f = found[i]
            if type(f) is not self.finding:
                return self.fallback(findings)
            v = (<PyObject **>((<char *><PyObject *>f) + self.offsets[1]))[0]
            if v == NULL or type(<object>v) is not int:
                return self.fallback(findings)
            start = <object>v
            v = (<PyObject **>((<char *><PyObject *>f) + self.offsets[2]))[0]
            if v == NULL or type(<object>v) is not int:
                return self.fallback(findings)
            end = <object>v
            if i and (start <= prev_start or start < prev_end):
                apart = False
            prev_start, prev_end = start, end
        if apart:
            return list(found)
        return self._resolve(found, n)

    cdef object _resolve(self, list found, Py_ssize_t n):
        """The twin's sweep: sorted by span, clusters of transitively overlapping findings, the
        best ranked of each cluster kept greedily, the kept sorted by span."""
        cdef _Span *spans = <_Span *>malloc(n * sizeof(_Span))
        cdef _Span *kept = <_Span *>malloc(n * sizeof(_Span))
        cdef _Span tmp
        cdef Py_ssize_t i, j, k, b, c0, nk = 0, reach
        cdef PyObject *v
        cdef double score
        cdef bint free_of
        if spans == NULL or kept == NULL:
            free(spans)
            free(kept)
            raise MemoryError()
        try:
            for i in range(n):
                f = found[i]
                v = (<PyObject **>((<char *><PyObject *>f) + self.offsets[4]))[0]
                if v == NULL or type(<object>v) is not float:
                    return self.fallback(found)
                score = <object>v
                if score != score:
                    return self.fallback(found)  # NaN: tuples compare it by identity
                spans[i].start = <object>(<PyObject **>((<char *><PyObject *>f) + self.offsets[1]))[0]
                spans[i].end = <object>(<PyObject **>((<char *><PyObject *>f) + self.offsets[2]))[0]
                spans[i].score, spans[i].at = score, i
            qsort(spans, n, sizeof(_Span), _by_span)
            for i in range(n - 1):
                if spans[i].end > spans[i + 1].start:
                    break
            else:
                return [found[spans[i].at] for i in range(n)]
            c0, reach = 0, spans[0].end
            for i in range(1, n + 1):
                if i < n and spans[i].start < reach:
                    if spans[i].end > reach:
                        reach = spans[i].end
                    continue
                # spans[c0:i] is a cluster: by rank (stable), each kept unless it overlaps one kept
                for j in range(c0 + 1, i):
                    tmp = spans[j]
                    b = j - 1
                    while b >= c0 and _ranks_before(&tmp, &spans[b]):
                        spans[b + 1] = spans[b]
                        b -= 1
                    spans[b + 1] = tmp
                b = nk
                for j in range(c0, i):
                    free_of = True
                    for k in range(b, nk):
                        if not (spans[j].end <= kept[k].start or spans[j].start >= kept[k].end):
                            free_of = False
                            break
                    if free_of:
                        kept[nk] = spans[j]
                        nk += 1
                if i < n:
                    c0, reach = i, spans[i].end
            # kept.sort(key=_SPAN): stable, so ties keep the order they were kept in
            for i in range(nk):
                spans[i] = kept[i]
            for i in range(1, nk):
                tmp = spans[i]
                b = i - 1
                while b >= 0 and (spans[b].start > tmp.start or (spans[b].start == tmp.start and spans[b].end > tmp.end)):
                    spans[b + 1] = spans[b]
                    b -= 1
                spans[b + 1] = tmp
            return [found[spans[i].at] for i in range(nk)]
        finally:
            free(spans)
            free(kept)


cdef bint _id_at(int kind, void *data, Py_ssize_t p) noexcept:
    """The 18 ASCII letters and digits at `p` (upper-cased) are a GB 11643-valid ID."""
    cdef int total = 0, i, d[18]
    cdef Py_UCS4 last
    for i in range(17):
        if not _digit(PyUnicode_READ(kind, data, p + i)):
            return False
        d[i] = <int>PyUnicode_READ(kind, data, p + i) - 48
    last = PyUnicode_READ(kind, data, p + 17)
    if last == 120:
        last = 88  # upper(): x -> X
    if not _province(d[0], d[1]):
        return False
    if not _real_ymd(d[6] * 1000 + d[7] * 100 + d[8] * 10 + d[9], d[10] * 10 + d[11], d[12] * 10 + d[13]):
        return False
    for i in range(17):
        total = (total * 2 + d[i] * 2) % 11
    return <Py_UCS4>_ID_CHECK[total] == last


cdef class EmbeddedIds(_Builder):
    """`embedded.embedded_ids_python`: runs of ASCII letters and digits (19 to `max_run`) with a
    valid ID at their start or end that no finding covers, one finding each."""

    cdef object explanation, score
    cdef Py_ssize_t max_run

    def __init__(self, explanation, double score, Py_ssize_t max_run, finding_type, tuple fields):
        self._setup(0.0, {}, None, finding_type, fields)
        self.explanation, self.score, self.max_run = explanation, score, max_run

    def read(self, str text not None, found):
        cdef list out = []
        cdef Py_ssize_t n = PyUnicode_GET_LENGTH(text), i = 0, j, a, b
        cdef int kind = PyUnicode_KIND(text)
        cdef void *data = PyUnicode_DATA(text)
        cdef bint covered
        # Only runs of 19 characters or more count, and such a run holds text[i + 18] when it
        # starts in text[i : i + 19]: where that character is no letter or digit the 19 are
        # passed over at once. No run reaches back before `i` (text[i - 1] is none, or i is 0).
        while i + 19 <= n:
            if not _alnum(PyUnicode_READ(kind, data, i + 18)):
                i += 19
                continue
            a = i + 18
            while a > i and _alnum(PyUnicode_READ(kind, data, a - 1)):
                a -= 1
            j = i + 19
            while j < n and _alnum(PyUnicode_READ(kind, data, j)):
                j += 1
            b, i = j, j
            if b - a < 19 or b - a > self.max_run:
                continue
            if not (_id_at(kind, data, a) or _id_at(kind, data, b - 18)):
                continue
            covered = False
            for f in found:
                if f.start <= a and f.end >= b:
                    covered = True
                    break
            if covered:
                continue
            f = PyBaseObject_Type.tp_new(self.finding, <PyObject *>_NO_ARGS, NULL)
            self._set(f, 0, _RESIDENT_ID)
            self._set(f, 1, a)
            self._set(f, 2, b)
            self._set(f, 3, text[a:b])
            self._set(f, 4, self.score)
            self._set(f, 5, "cn_resident_id")
            self._set(f, 6, self.explanation)
            self._set(f, 7, {})
            self._set(f, 8, {})
            out.append(f)
        return out
