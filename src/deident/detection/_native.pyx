# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True, initializedcheck=False
"""The engine's character loops in C: folding, number runs and their readings, and the
checksums every 15/16/18/19-digit run needs.

Each function here has a pure-Python twin, which is the reference and the fallback where this
module is not compiled (`deident.detection.native` picks one): `normalise.fold_python`,
`runs.number_steps_python` and, in validators.py, `gb11643_python`, `gb11643_15_python`,
`luhn_python`, `bank_card_python`, `uscc_valid_python`, `PrefixCheckPython`; `text_tables.table_blocks_python`
and `renderings.emphasis_at_python`.
`number_runs` is the run scanner alone, which the tests pin to `normalise.NUMBER_RUN`.
tests/detection/test_native.py checks that both give the same answer for every input
hypothesis generates. On a roster (a value every few dozen characters) these loops were most
of the engine's time: CPython spends ~1,000 instructions on one bytecode-level step, C ~3.
"""

from cpython.unicode cimport PyUnicode_GET_LENGTH
from libc.stdlib cimport free, malloc, realloc
from libc.string cimport memcpy

include "_runs.pxi"
include "_idcheck.pxi"


cdef extern from "Python.h":
    void PyUnicode_WRITE(int kind, void *data, Py_ssize_t index, Py_UCS4 value) nogil
    Py_ssize_t PyUnicode_FindChar(object text, Py_UCS4 c, Py_ssize_t start, Py_ssize_t end, int direction) except -2
    Py_UCS4 PyUnicode_READ_CHAR(object text, Py_ssize_t index)


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


# What `_fold_char` makes of each BMP character, 0 where it stays: one look-up per character
# (Chinese punctuation such as ，：（ shares the high bytes of the characters that fold).
cdef unsigned short _FOLD_TO[0x10000]


cdef void _fill_fold_table() noexcept:
    cdef unsigned int c
    for c in range(0x10000):
        _FOLD_TO[c] = <unsigned short>_fold_char(c) if _fold_char(c) != c else 0


_fill_fold_table()


cdef inline Py_ssize_t _first_fold(int kind, void *data, Py_ssize_t n) noexcept nogil:
    """The index of the first character that folds, or -1."""
    cdef Py_ssize_t i
    cdef const unsigned short *wide = <const unsigned short *>data
    cdef const unsigned char *narrow = <const unsigned char *>data
    cdef Py_UCS4 c
    if kind == 2:  # most Chinese text
        for i in range(n):
            if _FOLD_TO[wide[i]]:
                return i
    elif kind == 1:
        for i in range(n):
            if _FOLD_TO[narrow[i]]:
                return i
    else:
        for i in range(n):
            c = PyUnicode_READ(kind, data, i)
            if c < 0x10000 and _FOLD_TO[c]:
                return i
    return -1


def fold(str text not None):
    """`normalise.fold_python`: length-preserving; `text` itself when nothing folds. A folded
    character is never wider than the original, so the copy keeps the text's storage kind."""
    cdef Py_ssize_t n = PyUnicode_GET_LENGTH(text), i, first
    cdef int kind = PyUnicode_KIND(text)
    cdef void *data = PyUnicode_DATA(text)
    cdef void *buf
    cdef Py_UCS4 c
    cdef unsigned short to
    cdef unsigned short *wide
    first = _first_fold(kind, data, n)
    if first < 0:
        return text
    buf = malloc(n * kind)
    if buf == NULL:
        raise MemoryError()
    try:
        memcpy(buf, data, n * kind)
        if kind == 2:  # most Chinese text
            wide = <unsigned short *>buf
            for i in range(first, n):
                to = _FOLD_TO[wide[i]]
                if to:
                    wide[i] = to
            return PyUnicode_FromKindAndData(kind, buf, n)
        for i in range(first, n):
            c = PyUnicode_READ(kind, buf, i)
            if c < 0x10000:
                to = _FOLD_TO[c]
                if to:
                    PyUnicode_WRITE(kind, buf, i, to)
        return PyUnicode_FromKindAndData(kind, buf, n)
    finally:
        free(buf)


# --- number runs (the scanner is in _runs.pxi) ----------------------------------------------

def number_runs(str folded not None):
    """The spans of normalise.NUMBER_RUN.finditer(folded): the scanner number_steps and the
    compiled number pass use, on its own so that tests can hold it to the regex."""
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


def number_steps(str folded not None, bytes lengths not None, Py_ssize_t max_len):
    """`runs.number_steps_python`: for every number run that does not touch a mask character,
    the ways to read it, group by group (see there)."""
    cdef _Runs runs = _Runs(folded, lengths, max_len)
    cdef Py_ssize_t gi, k, count
    out = []
    while runs.next_run():
        steps = []
        any_try = False
        for gi in range(runs.ng):
            count = runs.tries_at(gi)
            steps.append([(runs.value(gi, k), runs.start(gi, k), runs.end(k), runs.t_last[k]) for k in range(count)])
            any_try = any_try or count > 0
        if any_try:
            out.append(steps)
    return out


# --- checksums ---------------------------------------------------------------------------

def gb11643(str value not None):
    """`validators.gb11643_python` for ASCII values; anything else goes to that reference,
    which also knows other scripts' digits."""
    if not value.isascii():
        from deident.detection.numbers.validators import gb11643_python

        return gb11643_python(value)
    return _gb11643_ascii(PyUnicode_KIND(value), PyUnicode_DATA(value), PyUnicode_GET_LENGTH(value))


def gb11643_15(str value not None):
    """`validators.gb11643_15_python` for ASCII values; anything else goes to that reference."""
    if not value.isascii():
        from deident.detection.numbers.validators import gb11643_15_python

        return gb11643_15_python(value)
    return _gb11643_15_ascii(PyUnicode_KIND(value), PyUnicode_DATA(value), PyUnicode_GET_LENGTH(value))


def bank_card(str value not None):
    """`validators.bank_card_python`: True when Luhn passes, else None (never a rejection)."""
    cdef int ok = _luhn(value)
    if ok < 0:
        from deident.detection.numbers.validators import bank_card_python

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
    cdef readonly bytes flags  # table as bytes: what _reading answers the check from

    def __init__(self, prefixes):
        cdef int i
        for i in range(1000):
            self.table[i] = False
        for p in prefixes:
            if len(p) != 3 or not p.isascii() or not p.isdigit():
                raise ValueError(f"not a three-digit prefix: {p!r}")
            self.table[int(p)] = True
        self.flags = bytes([1 if self.table[i] else 0 for i in range(1000)])

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
        from deident.detection.numbers.validators import luhn_python

        return luhn_python(value)
    return ok == 1


# --- label words -------------------------------------------------------------------------

cdef bint _goes_on(int kind, void *data, Py_ssize_t n, Py_ssize_t at) noexcept:
    # words._GOES_ON: up to three of " -.\u200b", then a letter or digit
    cdef Py_ssize_t k = 0
    cdef Py_UCS4 c
    while at + k < n and k <= 3:
        c = PyUnicode_READ(kind, data, at + k)
        if _alnum(c):
            return True
        if not (c == 32 or c == 45 or c == 46 or c == 0x200B) or k == 3:
            return False
        k += 1
    return False


# One-character strings of the BMP, made once: a trie step then looks a character up by a
# string whose hash is already known, instead of making (and hashing) a new one.
cdef list _CHARS = [None] * 0x10000


cdef inline object _char(Py_UCS4 c):
    cdef object s
    if c >= 0x10000:
        return chr(c)
    s = _CHARS[<Py_ssize_t>c]
    if s is None:
        s = chr(c)
        _CHARS[<Py_ssize_t>c] = s
    return s


def word_hits(str text not None, bytes first not None, dict trie not None, Py_ssize_t reach=0,
              dict read=None):
    """`words.word_hits_python`: the leftmost-longest, non-overlapping occurrences of the words
    of `trie` as (start, end). `first` has a byte per BMP code point, bit 1 where a word starts
    and bit 2 where a word has its second character: most characters of a text are passed
    over on one or two table reads. With `reach`, a word counts only when an ASCII letter or
    digit follows within `reach` characters of its end on the same line (a label with a value
    after it), and
    not when that character starts a value already `read` ({start: end}) that does not go on
    after its end (no letter or digit within three separators)."""
    cdef Py_ssize_t n = PyUnicode_GET_LENGTH(text), i = 0, j, end
    cdef int kind = PyUnicode_KIND(text)
    cdef void *data = PyUnicode_DATA(text)
    cdef const unsigned char *starts = first
    cdef Py_ssize_t limit = len(first)
    cdef Py_UCS4 c
    cdef list out = []
    cdef object node, done
    cdef const unsigned short *wide = <const unsigned short *>data  # UCS-2 storage
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
        node = trie
        end = -1
        j = i
        while j < n:
            node = (<dict>node).get(_char(PyUnicode_READ(kind, data, j)))
            if node is None:
                break
            j += 1
            if "" in <dict>node:
                end = j
        if end < 0:
            i += 1
            continue
        if reach:
            j = end
            while j < n and j < end + reach and not _alnum(PyUnicode_READ(kind, data, j)):
                if PyUnicode_READ(kind, data, j) == 10:
                    j = n  # a value is on its label's line
                    break
                j += 1
            if j >= n or j >= end + reach:
                i = end
                continue
            if read is not None:
                done = read.get(j)
                if done is not None and not _goes_on(kind, data, n, <Py_ssize_t>done):
                    i = end
                    continue
        out.append((i, end))
        i = end
    return out


def unread_runs(str text not None, Py_ssize_t lo, Py_ssize_t hi, list starts not None, list ends not None,
                Py_ssize_t min_len):
    """`words.unread_runs_python`: the runs of ASCII letters and digits (at least `min_len`) of
    text[lo:hi] that no span (starts[i], ends[i]) touches; `starts` sorted, and no span inside
    another (the engine's resolved findings). Characters outside ASCII are passed over in a
    tight loop, and each span's ends are read once."""
    cdef Py_ssize_t n = PyUnicode_GET_LENGTH(text), i, j, k = 0, m = len(starts)
    cdef Py_ssize_t k_start = 0, k_end = 0
    cdef int kind = PyUnicode_KIND(text)
    cdef void *data = PyUnicode_DATA(text)
    cdef const unsigned short *wide = <const unsigned short *>data
    cdef list out = []
    hi = min(hi, n)
    i = max(lo, 0)
    if m:
        k_start, k_end = starts[0], ends[0]
    while i < hi:
        if kind == 2:
            while i < hi and (wide[i] >= 128 or not _alnum(wide[i])):
                i += 1
            if i >= hi:
                break
        elif not _alnum(PyUnicode_READ(kind, data, i)):
            i += 1
            continue
        j = i + 1
        if kind == 2:
            while j < hi and wide[j] < 128 and _alnum(wide[j]):
                j += 1
        else:
            while j < hi and _alnum(PyUnicode_READ(kind, data, j)):
                j += 1
        while k < m and k_end <= i:
            k += 1
            if k < m:
                k_start, k_end = starts[k], ends[k]
        if j - i >= min_len and not (k < m and k_start < j):
            out.append((i, j))
        i = j
    return out


# --- odd renderings of numbers -------------------------------------------------------------

cdef unsigned char _ODD_KIND[0x10000]
_ODD_KIND[:] = [0] * 0x10000
for _c in (0x00AD, 0x2061, 0x2062, 0x2063, 0x2064, 0x200E, 0x200F):
    _ODD_KIND[_c] = 1
_ODD_KIND[0x200B] = 2
for _c in ".\u00b7":
    _ODD_KIND[ord(_c)] = 3
_ODD_KIND[ord("-")] = 4
for _c in "〇零一二三四五六七八九幺两":
    _ODD_KIND[ord(_c)] = 5


cdef inline int _odd_kind(int kind, void *data, Py_ssize_t i) noexcept nogil:
    cdef Py_UCS4 c = PyUnicode_READ(kind, data, i)
    return _ODD_KIND[c] if c < 0x10000 else 0


cdef inline Py_ssize_t _digits_at(int kind, void *data, Py_ssize_t n, Py_ssize_t i, int step) noexcept nogil:
    # how many ASCII digits run from i (step 1) or end at i (step -1)
    cdef Py_ssize_t k = 0
    while 0 <= i < n and _digit(PyUnicode_READ(kind, data, i)):
        k += 1
        i += step
    return k


def odd_starts(str text not None):
    """`renderings.odd_starts_python`: where `renderings._ODD` matches, each match's start."""
    cdef Py_ssize_t n = PyUnicode_GET_LENGTH(text), i = 0, j, k
    cdef int kind = PyUnicode_KIND(text), t
    cdef void *data = PyUnicode_DATA(text)
    cdef list out = []
    cdef Py_UCS4 c
    cdef const unsigned short *wide = <const unsigned short *>data
    while i < n:
        if kind == 2:  # most Chinese text: pass over ordinary characters in a tight loop
            while i < n and not _ODD_KIND[wide[i]]:
                i += 1
            if i >= n:
                break
        t = _odd_kind(kind, data, i)
        if t == 0:
            i += 1
            continue
        if t == 1:
            out.append(i)
            i += 1
        elif t == 2:
            if i + 1 < n:
                c = PyUnicode_READ(kind, data, i + 1)
                if c == 0x200B or c == 0x200C or c == 0x200D:
                    out.append(i)
                    i += 2
                    continue
            i += 1
        elif t == 3:
            # [.·](?<=[0-9]{3}[.·])(?=[0-9]{3,4}[.·][0-9])
            if i >= 3 and _digits_at(kind, data, n, i - 1, -1) >= 3:
                k = _digits_at(kind, data, n, i + 1, 1)
                j = i + 1 + k
                if (k == 3 or k == 4) and j + 1 < n and _odd_kind(kind, data, j) == 3 \
                        and _digit(PyUnicode_READ(kind, data, j + 1)):
                    out.append(i)
            i += 1
        elif t == 4:
            # -(?<=[0-9] -)(?= [0-9])
            if i >= 2 and i + 2 < n and PyUnicode_READ(kind, data, i - 1) == 32 \
                    and _digit(PyUnicode_READ(kind, data, i - 2)) \
                    and PyUnicode_READ(kind, data, i + 1) == 32 and _digit(PyUnicode_READ(kind, data, i + 2)):
                out.append(i)
            i += 1
        else:
            # [numerals]{7}
            j = i
            while j < n and _odd_kind(kind, data, j) == 5:
                j += 1
            if j - i >= 7:
                out.append(i)
                i += 7
            else:
                i = j
    return out


# --- tables inside plain text ------------------------------------------------------------------

cdef Py_ssize_t _block_end(str text, Py_ssize_t line, bint tab) noexcept:
    """`text_tables.block_end_python`: where the block of rows that starts at `line` ends (the end
    of its last line), or -1 when the line there is no row. A row of tabs is a line holding a tab;
    a row of pipes is a line whose first character after spaces and tabs is a pipe."""
    cdef Py_ssize_t n = PyUnicode_GET_LENGTH(text), i = line if line > 0 else 0, end = -1
    cdef int kind = PyUnicode_KIND(text)
    cdef void *data = PyUnicode_DATA(text)
    cdef bint row
    cdef Py_UCS4 c
    while i <= n:
        row = False
        if tab:
            while i < n:
                c = PyUnicode_READ(kind, data, i)
                if c == 10:
                    break
                if c == 9:
                    row = True
                i += 1
        else:
            while i < n and (PyUnicode_READ(kind, data, i) == 32 or PyUnicode_READ(kind, data, i) == 9):
                i += 1
            if i < n and PyUnicode_READ(kind, data, i) == 124:
                row = True
                while i < n and PyUnicode_READ(kind, data, i) != 10:
                    i += 1
        if not row:
            break
        end = i  # at the line's "\n", or the end of the text
        if i >= n:
            break
        i += 1
    return end


def table_blocks(str text not None):
    """`text_tables.table_blocks_python`: (first line, end, separator) of every block of tab rows,
    then of every block of pipe rows, in one call (CPython's own search finds the separators)."""
    cdef Py_ssize_t n = PyUnicode_GET_LENGTH(text), pos, line, end
    cdef list out = []
    cdef Py_UCS4 c
    for sep in ("\t", "|"):
        c = 9 if sep == "\t" else 124
        pos = PyUnicode_FindChar(text, c, 0, n, 1)
        while pos >= 0:
            line = PyUnicode_FindChar(text, 10, 0, pos, -1) + 1
            end = _block_end(text, line, c == 9)
            if end <= pos:
                end = PyUnicode_FindChar(text, 10, pos, n, 1)
            if end < 0:
                end = n
            out.append((line, end, sep))
            pos = PyUnicode_FindChar(text, c, end, n, 1) if end < n else -1
    return out


# --- Markdown emphasis ---------------------------------------------------------------------------

def emphasis_at(str text not None, Py_ssize_t pos):
    """`renderings.emphasis_at_python`: the first index from `pos` on that holds a "*" or starts
    a "__", or -1 (found by str.find's own search, without its call)."""
    cdef Py_ssize_t n = PyUnicode_GET_LENGTH(text), star, under
    if pos < 0:
        pos = 0
    star = PyUnicode_FindChar(text, 42, pos, n, 1)
    under = PyUnicode_FindChar(text, 95, pos, n if star < 0 else star, 1)
    while under >= 0 and not (under + 1 < n and PyUnicode_READ_CHAR(text, under + 1) == 95):
        under = PyUnicode_FindChar(text, 95, under + 1, n if star < 0 else star, 1)
    if under >= 0:
        return under
    return star
