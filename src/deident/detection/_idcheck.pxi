# The resident-ID checks at C level (GB 11643: region, birth date, check digit), included by
# _native.pyx (gb11643, gb11643_15) and _reading.pyx (the explanation of a table cell's ID). The
# reference is numbers/validators.py (_PROVINCES, _real_ymd, id_check_digit).

from libc.time cimport time as c_time
from libc.time cimport time_t, tm


cdef extern from "time.h" nogil:
    tm *localtime_r(const time_t *timep, tm *result)


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


cdef bint _province(int a, int b) noexcept nogil:
    # validators._PROVINCES
    cdef int code = a * 10 + b
    return (
        11 <= code <= 15 or 21 <= code <= 23 or 31 <= code <= 37 or 41 <= code <= 46
        or 50 <= code <= 54 or 61 <= code <= 65 or code == 71 or 81 <= code <= 83
    )


# The checksums of whole values (GB 11643, Luhn), shared by _native (gb11643, gb11643_15,
# bank_card, luhn) and _reading (NumberReader answers these validators without calling them).

cdef inline int _d(int kind, void *data, Py_ssize_t i) noexcept nogil:
    return <int>PyUnicode_READ(kind, data, i) - 48


cdef inline bint _ascii_digits(int kind, void *data, Py_ssize_t lo, Py_ssize_t hi) noexcept nogil:
    cdef Py_ssize_t i
    for i in range(lo, hi):
        if not _digit(PyUnicode_READ(kind, data, i)):
            return False
    return True


cdef bint _gb11643_ascii(int kind, void *data, Py_ssize_t n) noexcept nogil:
    """`validators.gb11643_python` for an ASCII value."""
    cdef Py_ssize_t i
    cdef int total = 0
    if n != 18 or not _ascii_digits(kind, data, 0, 17):
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


cdef bint _gb11643_15_ascii(int kind, void *data, Py_ssize_t n) noexcept nogil:
    """`validators.gb11643_15_python` for an ASCII value."""
    if n != 15 or not _ascii_digits(kind, data, 0, 15):
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
