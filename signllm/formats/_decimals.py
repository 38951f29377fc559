"""Plain decimal text ("-0.12345 0.01600 ...") parsed by a few numpy passes, not per number.

A `.skels` file is millions of fixed-point numbers; numpy's text parsers call strtod once per
number (about 0.2 us each: 4 s for a 150 MB file). Text made only of `-?digits.digits` tokens
separated by single spaces or newlines is parsed here instead: each number is its digits read
as one integer, divided by a power of ten. Both are exact below 2**53, so the one division is
correctly rounded, as strtod is: the values are bit for bit the same. Anything else (exponents,
nan, integers without a point, double or trailing spaces, tabs, CR) gives None and the caller
takes the general path, which also finds and names what is wrong.
"""
from __future__ import annotations

import itertools

import numpy as np

MAX_DIGITS = 15  # digits per number: 10**15 < 2**53, so the integer and its power are exact
_SPACE, _NEWLINE, _MINUS, _POINT, _ZERO = (ord(c) for c in " \n-.0")
_POWERS = 10.0 ** np.arange(MAX_DIGITS + 1)
_ZEROS = np.array([_ZERO * (10**k - 1) // 9 for k in range(MAX_DIGITS + 1)])  # "00...0" read


def parse(block: bytes) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """(float64 values, numbers per line, digits after each number's point) of lines joined by
    b"\\n", or None if not plain."""
    text = np.frombuffer(block, np.uint8)
    if not text.size:
        return None
    marks = np.flatnonzero((text - _ZERO) > 9)  # uint8 wraps
    kinds = text[marks]
    gaps = (kinds == _SPACE) | (kinds == _NEWLINE)
    points = kinds == _POINT
    if not (gaps | points | (kinds == _MINUS)).all():
        return None
    ends = np.append(marks[gaps], text.size)
    starts = np.concatenate(([0], ends[:-1] + 1))
    dots = marks[points]
    if dots.size != ends.size:
        return None
    negative = text[np.minimum(starts, text.size - 1)] == _MINUS
    first = starts + negative
    whole, fraction = dots - first, ends - dots - 1
    # one point per number, a digit on each side; a minus only where a number starts
    if not ((whole >= 1) & (fraction >= 1) & (whole + fraction <= MAX_DIGITS)).all() \
            or np.count_nonzero(negative) != np.count_nonzero(kinds == _MINUS):
        return None
    mantissa = np.zeros(dots.size, np.int64)  # the digits' bytes as one integer, in place
    digits = itertools.chain(((first + k, whole > k) for k in range(int(whole.max()))),
                             ((dots + k, fraction >= k) for k in range(1, int(fraction.max()) + 1)))
    for at, present in digits:  # most significant first
        if present.all():
            mantissa *= 10
            mantissa += text.take(at, mode="clip")
        else:
            mantissa = np.where(present, mantissa * 10 + text.take(at, mode="clip"), mantissa)
    mantissa -= _ZEROS[whole + fraction]  # each byte counted '0' (48) too much
    values = mantissa / _POWERS[fraction]
    np.negative(values, out=values, where=negative)
    breaks = np.flatnonzero(kinds[gaps] == _NEWLINE)
    per_line = np.diff(np.concatenate(([0], breaks + 1, [dots.size])))
    return values, per_line, fraction
