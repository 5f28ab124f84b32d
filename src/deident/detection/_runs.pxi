# Number runs at C level: included by _native.pyx (number_runs, number_steps) and _reading.pyx
# (NumberReader), so that the engine reads runs without building the lists number_steps returns.
# The reference is runs.py. Both modules include it right after their cimports: it declares
# the str internals they read.

cdef extern from "Python.h":
    object PyUnicode_FromKindAndData(int kind, const void *buffer, Py_ssize_t size)
    int PyUnicode_1BYTE_KIND
    int PyUnicode_KIND(object o)
    void *PyUnicode_DATA(object o)
    Py_UCS4 PyUnicode_READ(int kind, void *data, Py_ssize_t index) nogil


cdef inline bint _digit(Py_UCS4 c) noexcept nogil:
    return 48 <= c <= 57


cdef inline bint _alnum(Py_UCS4 c) noexcept nogil:
    return 48 <= c <= 57 or 65 <= c <= 90 or 97 <= c <= 122


cdef inline bint _sep(Py_UCS4 c) noexcept nogil:
    # normalise._SEP: space, hyphen, zero-width space, ")" and "）"
    return c == 32 or c == 45 or c == 0x200B or c == 41 or c == 0xFF09


cdef inline bint _x(Py_UCS4 c) noexcept nogil:
    return c == 88 or c == 120


cdef inline bint _mask(Py_UCS4 c) noexcept nogil:
    # normalise.MASK_CHARS: * ＊ × ●
    return c == 42 or c == 0xFF0A or c == 0xD7 or c == 0x25CF


cdef inline bint _free_after(int kind, void *data, Py_ssize_t n, Py_ssize_t at) noexcept nogil:
    # (?![0-9A-Za-z]) at `at`
    return at >= n or not _alnum(PyUnicode_READ(kind, data, at))


cdef class _Scratch:
    """Growable C arrays for one call."""

    cdef Py_ssize_t *a
    cdef Py_ssize_t cap

    def __cinit__(self):
        self.cap = 64
        self.a = <Py_ssize_t *>malloc(self.cap * 3 * sizeof(Py_ssize_t))
        if self.a == NULL:
            raise MemoryError()

    cdef int reserve(self, Py_ssize_t cap) except -1:
        cdef Py_ssize_t *grown
        if cap <= self.cap:
            return 0
        grown = <Py_ssize_t *>realloc(self.a, cap * 3 * sizeof(Py_ssize_t))
        if grown == NULL:
            raise MemoryError()
        self.a, self.cap = grown, cap
        return 0

    def __dealloc__(self):
        free(self.a)


cdef Py_ssize_t _run_at(int kind, void *data, Py_ssize_t n, Py_ssize_t i, _Scratch scratch) except -2:
    """The end of normalise.NUMBER_RUN matched at `i` (a digit with no letter or digit before
    it), or -1. `scratch.a` receives each repetition's end: the regex backtracks through them
    from the longest, so this does too."""
    cdef Py_ssize_t q = i + 1, k, count = 0, r, end0
    # (?:SEP{0,2}[0-9]){6,}: a repetition is at most two separators and a digit; three
    # separators, or separators not followed by a digit, end the run.
    while True:
        k = 0
        while q + k < n and k < 3 and _sep(PyUnicode_READ(kind, data, q + k)):
            k += 1
        if k > 2 or q + k >= n or not _digit(PyUnicode_READ(kind, data, q + k)):
            break
        q += k + 1
        if count >= scratch.cap:
            scratch.reserve(2 * scratch.cap)
        scratch.a[count] = q
        count += 1
    r = count
    while r >= 6:
        end0 = scratch.a[r - 1]
        # (?:SEP?[Xx])? then (?![0-9A-Za-z]), tried in the regex's order
        if (
            end0 + 1 < n
            and _sep(PyUnicode_READ(kind, data, end0))
            and _x(PyUnicode_READ(kind, data, end0 + 1))
            and _free_after(kind, data, n, end0 + 2)
        ):
            return end0 + 2
        if end0 < n and _x(PyUnicode_READ(kind, data, end0)) and _free_after(kind, data, n, end0 + 1):
            return end0 + 1
        if _free_after(kind, data, n, end0):
            return end0
        r -= 1
    return -1


cdef object _value(int kind, void *data, Py_ssize_t *gs, Py_ssize_t *ge, Py_ssize_t i, Py_ssize_t j, Py_ssize_t skip):
    """Groups i..j as one compact value (upper-case X), the first `skip` characters dropped."""
    cdef unsigned char buf[64]
    cdef Py_ssize_t g, p, m = 0
    cdef Py_UCS4 c
    for g in range(i, j + 1):
        for p in range(gs[g] + (skip if g == i else 0), ge[g]):
            if m >= 64:
                return None
            c = PyUnicode_READ(kind, data, p)
            buf[m] = <unsigned char>(88 if c == 120 else c)
            m += 1
    return PyUnicode_FromKindAndData(PyUnicode_1BYTE_KIND, buf, m)


cdef inline bint _starts(int kind, void *data, Py_ssize_t at, Py_ssize_t end, const char *prefix, Py_ssize_t k) noexcept nogil:
    cdef Py_ssize_t p
    if end - at < k:
        return False
    for p in range(k):
        if PyUnicode_READ(kind, data, at + p) != <Py_UCS4>prefix[p]:
            return False
    return True



# The most tries a group can have: one per following group within `max_len` digits, plus the
# number without its country prefix.
cdef enum:
    _MAX_TRIES = 64
MAX_TRY_LEN = 48  # the longest `max_len` _Runs accepts (runs.number_steps_python checks it too)


cdef class _Runs:
    """The number runs of one folded text, one after the other, each split into its groups
    (maximal stretches of digits and X), and the tries that start at a group: runs.py's
    steps, kept in C arrays."""

    cdef str folded
    cdef int kind
    cdef void *data
    cdef Py_ssize_t n, pos
    cdef _Scratch scratch
    cdef const unsigned char *want
    cdef bytes lengths
    cdef Py_ssize_t nlen, max_len
    cdef Py_ssize_t ng  # groups of the current run
    cdef Py_ssize_t *gs
    cdef Py_ssize_t *ge
    cdef Py_ssize_t *cum
    cdef Py_ssize_t t_last[_MAX_TRIES]  # each try's last group
    cdef Py_ssize_t t_skip[_MAX_TRIES]  # characters of a country prefix left out

    def __cinit__(self, str folded not None, bytes lengths not None, Py_ssize_t max_len):
        if max_len > MAX_TRY_LEN:
            raise ValueError(f"max_len: at most {MAX_TRY_LEN}")
        self.folded, self.lengths = folded, lengths
        self.kind, self.data = PyUnicode_KIND(folded), PyUnicode_DATA(folded)
        self.n, self.pos = PyUnicode_GET_LENGTH(folded), 0
        self.scratch = _Scratch()
        self.want, self.nlen, self.max_len = lengths, len(lengths), max_len
        self.ng = 0

    cdef bint next_run(self) except -1:
        """Moves to the next run that does not touch a mask character; False after the last."""
        cdef int kind = self.kind
        cdef void *data = self.data
        cdef Py_ssize_t n = self.n, i = self.pos, start, end, p, ng
        cdef Py_UCS4 c
        cdef const unsigned short *wide = <const unsigned short *>data
        cdef const unsigned char *narrow = <const unsigned char *>data
        while i < n:
            # to the next digit in a tight loop over the storage (most characters are none)
            if kind == 2:
                while i < n and not (48 <= wide[i] <= 57):
                    i += 1
            elif kind == 1:
                while i < n and not (48 <= narrow[i] <= 57):
                    i += 1
            if i >= n:
                break
            if not _digit(PyUnicode_READ(kind, data, i)) or (i > 0 and _alnum(PyUnicode_READ(kind, data, i - 1))):
                i += 1
                continue
            end = _run_at(kind, data, n, i, self.scratch)
            if end < 0:
                i += 1
                continue
            start, i = i, end
            if (start > 0 and _mask(PyUnicode_READ(kind, data, start - 1))) or (
                end < n and _mask(PyUnicode_READ(kind, data, end))
            ):
                continue  # part of an already masked value
            self.scratch.reserve(end - start + 1)
            self.gs = self.scratch.a
            self.ge = self.scratch.a + self.scratch.cap
            self.cum = self.scratch.a + 2 * self.scratch.cap
            ng = 0
            p = start
            while p < end:
                c = PyUnicode_READ(kind, data, p)
                if _digit(c) or _x(c):
                    self.gs[ng] = p
                    while p < end and (_digit(PyUnicode_READ(kind, data, p)) or _x(PyUnicode_READ(kind, data, p))):
                        p += 1
                    self.ge[ng] = p
                    self.cum[ng] = (self.cum[ng - 1] if ng else 0) + (p - self.gs[ng])
                    ng += 1
                else:
                    p += 1
            self.ng, self.pos = ng, i
            return True
        self.pos = n
        return False

    cdef Py_ssize_t tries_at(self, Py_ssize_t gi) noexcept:
        """The tries that start at group `gi` (into t_last / t_skip); their number."""
        cdef Py_ssize_t count = 0, gj, length, before = self.cum[gi - 1] if gi else 0
        for gj in range(gi, self.ng):
            length = self.cum[gj] - before
            if length > self.max_len:
                break
            if length < self.nlen and self.want[length]:
                self.t_last[count], self.t_skip[count] = gj, 0
                count += 1
            # "8613812345678" / "008613812345678": a country prefix written without a gap
            if gj == gi:
                if length == 15 and _starts(self.kind, self.data, self.gs[gi], self.ge[gi], b"0086", 4):
                    self.t_last[count], self.t_skip[count] = gj, 4
                    count += 1
                if length == 13 and _starts(self.kind, self.data, self.gs[gi], self.ge[gi], b"86", 2):
                    self.t_last[count], self.t_skip[count] = gj, 2
                    count += 1
        return count

    cdef inline object value(self, Py_ssize_t gi, Py_ssize_t k):
        return _value(self.kind, self.data, self.gs, self.ge, gi, self.t_last[k], self.t_skip[k])

    cdef inline Py_ssize_t start(self, Py_ssize_t gi, Py_ssize_t k) noexcept:
        return self.gs[gi] + self.t_skip[k]

    cdef inline Py_ssize_t end(self, Py_ssize_t k) noexcept:
        return self.ge[self.t_last[k]]
