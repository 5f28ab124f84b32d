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
