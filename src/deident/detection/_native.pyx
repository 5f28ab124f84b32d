# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True, initializedcheck=False
"""The engine's character loops in C: folding, number runs and their readings, and the
checksums every 15/16/18/19-digit run needs.

Each function here has a pure-Python twin, which is the reference and the fallback where this
module is not compiled (`deident.detection.native` picks one): `normalise.fold`,
`runs.number_runs`, `runs.number_steps`, `validators.gb11643`, `validators.gb11643_15`,
`validators.luhn`. tests/test_native.py checks that both give the same answer for every input
hypothesis generates. On a roster (a value every few dozen characters) these loops were most
of the engine's time: CPython spends ~1,000 instructions on one bytecode-level step, C ~3.
"""

from cpython.unicode cimport PyUnicode_GET_LENGTH
from libc.stdlib cimport free, malloc, realloc
from libc.string cimport memcpy
from libc.time cimport time as c_time
from libc.time cimport time_t, tm


cdef extern from "Python.h":
    ctypedef unsigned short Py_UCS2
    object PyUnicode_FromKindAndData(int kind, const void *buffer, Py_ssize_t size)
    int PyUnicode_1BYTE_KIND
    int PyUnicode_2BYTE_KIND
    int PyUnicode_4BYTE_KIND
    int PyUnicode_KIND(object o)
    void *PyUnicode_DATA(object o)
    Py_UCS4 PyUnicode_READ(int kind, void *data, Py_ssize_t index) nogil


cdef extern from "time.h" nogil:
    tm *localtime_r(const time_t *timep, tm *result)


# --- folding -----------------------------------------------------------------------------

cdef inline Py_UCS4 _fold_char(Py_UCS4 c) noexcept nogil:
    # normalise._FOLDABLE and normalise._FOLD_TABLE restricted to it
    if c < 0xA0:
        return c
    if c == 0xA0 or c == 0x3000:
        return 0x20
    if 0x2010 <= c <= 0x2014:
        return 0x2D
    if c == 0x200C or c == 0x200D or c == 0x2060 or c == 0xFEFF:
        return 0x200B
    if 0xFF0B <= c <= 0xFF5A:
        if (
            0xFF10 <= c <= 0xFF19
            or 0xFF21 <= c <= 0xFF3A
            or 0xFF41 <= c <= 0xFF5A
            or c == 0xFF20
            or c == 0xFF0B
            or c == 0xFF0D
            or c == 0xFF0E
        ):
            return <Py_UCS4>(<unsigned int>c - 0xFEE0)
    return c


# The high bytes of the UCS-2 characters `_fold_char` changes: most CJK text is skipped on one
# table look-up per character.
cdef unsigned char _FOLD_HI[256]
_FOLD_HI[:] = [0] * 256
for _hi in (0x00, 0x20, 0x30, 0xFE, 0xFF):
    _FOLD_HI[_hi] = 1


def fold(str text not None):
    """`normalise.fold_python`: length-preserving; `text` itself when nothing folds."""
    cdef Py_ssize_t n = PyUnicode_GET_LENGTH(text), i, first = -1
    cdef int kind = PyUnicode_KIND(text)
    cdef void *data = PyUnicode_DATA(text)
    cdef Py_UCS2 *d2
    cdef Py_UCS2 *b2
    cdef Py_UCS4 *b4
    cdef Py_UCS4 c
    cdef unsigned int u
    if kind == PyUnicode_2BYTE_KIND:  # Chinese text
        d2 = <Py_UCS2 *>data
        for i in range(n):
            u = d2[i]
            if _FOLD_HI[u >> 8] and <unsigned int>_fold_char(<Py_UCS4>u) != u:
                first = i
                break
        if first < 0:
            return text
        b2 = <Py_UCS2 *>malloc(n * sizeof(Py_UCS2))
        if b2 == NULL:
            raise MemoryError()
        try:
            memcpy(b2, d2, n * sizeof(Py_UCS2))
            for i in range(first, n):
                u = b2[i]
                if _FOLD_HI[u >> 8]:
                    b2[i] = <Py_UCS2>_fold_char(<Py_UCS4>u)
            return PyUnicode_FromKindAndData(PyUnicode_2BYTE_KIND, b2, n)
        finally:
            free(b2)
    for i in range(n):
        c = PyUnicode_READ(kind, data, i)
        if c >= 0xA0 and _fold_char(c) != c:
            first = i
            break
    if first < 0:
        return text
    b4 = <Py_UCS4 *>malloc(n * sizeof(Py_UCS4))
    if b4 == NULL:
        raise MemoryError()
    try:
        for i in range(n):
            b4[i] = _fold_char(PyUnicode_READ(kind, data, i))
        return PyUnicode_FromKindAndData(PyUnicode_4BYTE_KIND, b4, n)
    finally:
        free(b4)


# --- number runs -------------------------------------------------------------------------

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


def number_runs(str folded not None):
    """`runs.number_runs`: the spans of normalise.NUMBER_RUN.finditer(folded)."""
    cdef Py_ssize_t n = PyUnicode_GET_LENGTH(folded), i = 0, end
    cdef int kind = PyUnicode_KIND(folded)
    cdef void *data = PyUnicode_DATA(folded)
    cdef _Scratch scratch = _Scratch()
    out = []
    while i < n:
        if not _digit(PyUnicode_READ(kind, data, i)) or (i > 0 and _alnum(PyUnicode_READ(kind, data, i - 1))):
            i += 1
            continue
        end = _run_at(kind, data, n, i, scratch)
        if end < 0:
            i += 1
            continue
        out.append((i, end))
        i = end
    return out


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


def number_steps(str folded not None, bytes lengths not None, Py_ssize_t max_len):
    """`runs.number_steps`: for every number run that does not touch a mask character, the
    ways to read it, group by group (see there)."""
    cdef Py_ssize_t n = PyUnicode_GET_LENGTH(folded), i = 0, end, p, g, ng, gi, gj, length, before
    cdef Py_ssize_t nlen = len(lengths)
    cdef const unsigned char *want = lengths
    cdef int kind = PyUnicode_KIND(folded)
    cdef void *data = PyUnicode_DATA(folded)
    cdef _Scratch scratch = _Scratch()
    cdef Py_ssize_t *gs
    cdef Py_ssize_t *ge
    cdef Py_ssize_t *cum
    cdef Py_UCS4 c
    cdef bint any_try
    out = []
    while i < n:
        if not _digit(PyUnicode_READ(kind, data, i)) or (i > 0 and _alnum(PyUnicode_READ(kind, data, i - 1))):
            i += 1
            continue
        end = _run_at(kind, data, n, i, scratch)
        if end < 0:
            i += 1
            continue
        start, i = i, end
        if (start > 0 and _mask(PyUnicode_READ(kind, data, start - 1))) or (end < n and _mask(PyUnicode_READ(kind, data, end))):
            continue  # part of an already masked value
        # The run's groups: maximal stretches of digits and X between separators.
        scratch.reserve(end - start + 1)
        gs, ge, cum = scratch.a, scratch.a + scratch.cap, scratch.a + 2 * scratch.cap
        ng = 0
        p = start
        while p < end:
            c = PyUnicode_READ(kind, data, p)
            if _digit(c) or _x(c):
                gs[ng] = p
                while p < end and (_digit(PyUnicode_READ(kind, data, p)) or _x(PyUnicode_READ(kind, data, p))):
                    p += 1
                ge[ng] = p
                cum[ng] = (cum[ng - 1] if ng else 0) + (p - gs[ng])
                ng += 1
            else:
                p += 1
        steps = []
        any_try = False
        for gi in range(ng):
            tries = []
            before = cum[gi - 1] if gi else 0
            for gj in range(gi, ng):
                length = cum[gj] - before
                if length > max_len:
                    break
                if length < nlen and want[length]:
                    tries.append((_value(kind, data, gs, ge, gi, gj, 0), gs[gi], ge[gj], gj))
                # "8613812345678" / "008613812345678": a country prefix written without a gap
                if gj == gi and (length == 13 or length == 15):
                    if length == 15 and _starts(kind, data, gs[gi], ge[gi], b"0086", 4):
                        tries.append((_value(kind, data, gs, ge, gi, gj, 4), gs[gi] + 4, ge[gj], gj))
                    if length == 13 and _starts(kind, data, gs[gi], ge[gi], b"86", 2):
                        tries.append((_value(kind, data, gs, ge, gi, gj, 2), gs[gi] + 2, ge[gj], gj))
            if tries:
                any_try = True
            steps.append(tries)
        if any_try:
            out.append(steps)
    return out


# --- checksums ---------------------------------------------------------------------------

cdef const char *_ID_CHECK = b"10X98765432"
cdef time_t _today_until = 0
cdef int _today_ymd = 0


cdef int _today() noexcept nogil:
    """Today as YYYYMMDD (local time, as date.today()), read from the clock once a minute."""
    global _today_until, _today_ymd
    cdef time_t now = c_time(NULL)
    cdef tm t
    if now >= _today_until:
        localtime_r(&now, &t)
        _today_ymd = (t.tm_year + 1900) * 10000 + (t.tm_mon + 1) * 100 + t.tm_mday
        _today_until = now + 60
    return _today_ymd


cdef bint _real_ymd(int y, int m, int d) noexcept nogil:
    """A real date from 1900-01-01 to today."""
    cdef int days
    if m < 1 or m > 12 or d < 1 or y < 1900:
        return False
    if m == 2:
        days = 29 if (y % 4 == 0 and (y % 100 != 0 or y % 400 == 0)) else 28
    elif m == 4 or m == 6 or m == 9 or m == 11:
        days = 30
    else:
        days = 31
    return d <= days and y * 10000 + m * 100 + d <= _today()


cdef inline int _d(int kind, void *data, Py_ssize_t i) noexcept nogil:
    return <int>PyUnicode_READ(kind, data, i) - 48


cdef inline bint _ascii_digits(int kind, void *data, Py_ssize_t lo, Py_ssize_t hi) noexcept nogil:
    cdef Py_ssize_t i
    for i in range(lo, hi):
        if not _digit(PyUnicode_READ(kind, data, i)):
            return False
    return True


cdef bint _province(int a, int b) noexcept nogil:
    # validators._PROVINCES
    cdef int code = a * 10 + b
    return (
        11 <= code <= 15 or 21 <= code <= 23 or 31 <= code <= 37 or 41 <= code <= 46
        or 50 <= code <= 54 or 61 <= code <= 65 or code == 71 or 81 <= code <= 83
    )


def gb11643(str value not None):
    """`validators.gb11643_python` for ASCII values; anything else goes to that reference,
    which also knows other scripts' digits."""
    if not value.isascii():
        from deident.detection.validators import gb11643_python

        return gb11643_python(value)
    cdef int kind = PyUnicode_KIND(value)
    cdef void *data = PyUnicode_DATA(value)
    cdef Py_ssize_t i
    cdef int total = 0
    if PyUnicode_GET_LENGTH(value) != 18 or not _ascii_digits(kind, data, 0, 17):
        return False
    if not _province(_d(kind, data, 0), _d(kind, data, 1)):
        return False
    if not _real_ymd(
        _d(kind, data, 6) * 1000 + _d(kind, data, 7) * 100 + _d(kind, data, 8) * 10 + _d(kind, data, 9),
        _d(kind, data, 10) * 10 + _d(kind, data, 11),
        _d(kind, data, 12) * 10 + _d(kind, data, 13),
    ):
        return False
    for i in range(17):  # ISO 7064 MOD 11-2: weights 2**(17-i) mod 11
        total = (total * 2 + _d(kind, data, i) * 2) % 11
    return <Py_UCS4>_ID_CHECK[total] == PyUnicode_READ(kind, data, 17)


def gb11643_15(str value not None):
    """`validators.gb11643_15_python` for ASCII values; anything else goes to that reference."""
    if not value.isascii():
        from deident.detection.validators import gb11643_15_python

        return gb11643_15_python(value)
    cdef int kind = PyUnicode_KIND(value)
    cdef void *data = PyUnicode_DATA(value)
    if PyUnicode_GET_LENGTH(value) != 15 or not _ascii_digits(kind, data, 0, 15):
        return False
    if not _province(_d(kind, data, 0), _d(kind, data, 1)):
        return False
    return _real_ymd(
        1900 + _d(kind, data, 6) * 10 + _d(kind, data, 7),
        _d(kind, data, 8) * 10 + _d(kind, data, 9),
        _d(kind, data, 10) * 10 + _d(kind, data, 11),
    )


cdef int _luhn(str value):
    """1 / 0 for a value of ASCII digits, -1 for anything else."""
    cdef int kind = PyUnicode_KIND(value)
    cdef void *data = PyUnicode_DATA(value)
    cdef Py_ssize_t n = PyUnicode_GET_LENGTH(value), i
    cdef int total = 0, d
    if n == 0 or not value.isascii() or not _ascii_digits(kind, data, 0, n):
        return -1
    for i in range(n):
        d = _d(kind, data, n - 1 - i)
        if i % 2:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def bank_card(str value not None):
    """`validators.bank_card_python`: True when Luhn passes, else None (never a rejection)."""
    cdef int ok = _luhn(value)
    if ok < 0:
        from deident.detection.validators import bank_card_python

        return bank_card_python(value)
    return True if ok else None


_USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
cdef int _USCC_WEIGHTS[17]
_USCC_WEIGHTS[:] = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
cdef signed char _USCC_VALUE[128]
for _i in range(128):
    _USCC_VALUE[_i] = -1
for _i, _c in enumerate(_USCC_ALPHABET):
    _USCC_VALUE[ord(_c)] = _i


def uscc_valid(str value not None):
    """`validators.uscc_valid_python`: the GB 32100 统一社会信用代码 check character."""
    cdef int kind = PyUnicode_KIND(value)
    cdef void *data = PyUnicode_DATA(value)
    cdef Py_ssize_t i
    cdef int total = 0, v
    cdef Py_UCS4 c
    if PyUnicode_GET_LENGTH(value) != 18:
        return False
    for i in range(18):
        c = PyUnicode_READ(kind, data, i)
        if c >= 128 or _USCC_VALUE[c] < 0:
            return False
        if i < 17:
            total += _USCC_VALUE[c] * _USCC_WEIGHTS[i]
    v = (31 - total % 31) % 31
    return <Py_UCS4>ord(_USCC_ALPHABET[v]) == PyUnicode_READ(kind, data, 17)


cdef class PrefixCheck:
    """`validators.PrefixCheckPython` (True when a value starts with one of the three-digit
    `prefixes`, else None), answering from a table."""

    cdef bint table[1000]

    def __init__(self, prefixes):
        cdef int i
        for i in range(1000):
            self.table[i] = False
        for p in prefixes:
            if len(p) != 3 or not p.isascii() or not p.isdigit():
                raise ValueError(f"not a three-digit prefix: {p!r}")
            self.table[int(p)] = True

    def __call__(self, str value not None):
        cdef int kind = PyUnicode_KIND(value)
        cdef void *data = PyUnicode_DATA(value)
        if PyUnicode_GET_LENGTH(value) < 3 or not _ascii_digits(kind, data, 0, 3):
            return None
        return True if self.table[_d(kind, data, 0) * 100 + _d(kind, data, 1) * 10 + _d(kind, data, 2)] else None


def luhn(str value not None):
    """`validators.luhn_python` for values of ASCII digits; anything else goes to that
    reference, which drops other characters first."""
    cdef int ok = _luhn(value)
    if ok < 0:
        from deident.detection.validators import luhn_python

        return luhn_python(value)
    return ok == 1
