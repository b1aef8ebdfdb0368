"""German number formatting for reports (Babel, locale de_DE).

Shares use the same functions as the findings sentences (:mod:`analysis.findings`), so a
number reads identically in a sentence, a table cell and the PDF: ``0.34 -> "34 %"``
(with a no-break space before the percent sign), ``(0.27, 0.42) -> "27–42 %"``.
Missing values (``None``/NaN, e.g. a redacted cell) format as "" - the caller decides
whether that is a suppressed cell (:data:`SUPPRESSED`) or simply not applicable.

The suppression mark of the report is "–" (an en dash, explained on every slide that shows
one by :data:`reports.wording.SUPPRESSION_NOTE`): the statistical offices' "·" disappears
on a projector. "–" means nothing else in the report (missing targets read "k. A.").
Counts are written with no-break spaces, "n = 181", so the line never breaks inside.
"""

from __future__ import annotations

import math
import re
from datetime import date

from babel.dates import format_date
from babel.numbers import format_decimal

from analysis.findings import format_share, format_share_ci

LOCALE = "de_DE"
SUPPRESSED = "–"
NOT_AVAILABLE = "k. A."
NBSP = "\u00a0"
MINUS = "−"  # U+2212, typographic minus for signed differences


def missing(x: object) -> bool:
    """True for None, NaN and pandas' NA."""
    if x is None:
        return True
    try:
        return bool(math.isnan(float(x)))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return False


WORD_JOINER = "\u2060"
_RANGE = re.compile(r"(\d)–(\d)")


def keep_together(text: str) -> str:
    """No line break between a number and "%", inside "n = 181" (no-break spaces) or
    inside a range "46–79" (word joiners around the dash)."""
    text = text.replace(" %", f"{NBSP}%").replace("n = ", f"n{NBSP}={NBSP}")
    return _RANGE.sub(rf"\1{WORD_JOINER}–{WORD_JOINER}\2", text)


def share(x: float | None) -> str:
    """0.34 -> "34 %"."""
    if missing(x):
        return ""
    return keep_together(format_share(float(x), LOCALE))  # type: ignore[arg-type]


def share_ci(lo: float | None, hi: float | None) -> str:
    """(0.27, 0.42) -> "27–42 %"."""
    if missing(lo) or missing(hi):
        return ""
    return keep_together(format_share_ci(float(lo), float(hi), LOCALE))  # type: ignore[arg-type]


def share_with_ci(x: float | None, lo: float | None, hi: float | None) -> str:
    """(0.34, 0.27, 0.42) -> "34 % (27–42 %)"."""
    if missing(x):
        return ""
    ci = share_ci(lo, hi)
    return f"{share(x)} ({ci})" if ci else share(x)


def points(x: float | None, signed: bool = True) -> str:
    """A difference of shares in percentage points: 0.123 -> "+12 Pp", -0.4 -> "−40 Pp"."""
    if missing(x):
        return ""
    v = round(float(x) * 100)  # type: ignore[arg-type]
    sign = ("+" if v > 0 else MINUS if v < 0 else "±") if signed else ""
    return f"{sign}{format_decimal(abs(v), format='#,##0', locale=LOCALE)}\u00a0Pp"


def points_ci(lo: float | None, hi: float | None) -> str:
    """(-0.6, -0.21) -> "−60 bis −21 Pp"."""
    if missing(lo) or missing(hi):
        return ""

    def one(v: float) -> str:
        r = round(v * 100)
        return f"{MINUS if r < 0 else ''}{format_decimal(abs(r), format='#,##0', locale=LOCALE)}"

    return f"{one(float(lo))} bis {one(float(hi))}\u00a0Pp"  # type: ignore[arg-type]


def points_with_ci(x: float | None, lo: float | None, hi: float | None) -> str:
    """(-0.4, -0.6, -0.21) -> "−40 Pp (−60 bis −21 Pp)"."""
    return f"{points(x)} ({points_ci(lo, hi)})" if not missing(x) else ""


def scale(x: float | None, digits: int = 1) -> str:
    """A mean on a 1-5 scale: 4.25 -> "4,3" (rounded half to even, as Babel does)."""
    if missing(x):
        return ""
    return format_decimal(float(x), format="0." + "0" * digits, locale=LOCALE)  # type: ignore[arg-type]


def scale_ci(lo: float | None, hi: float | None, digits: int = 1) -> str:
    if missing(lo) or missing(hi):
        return ""
    return f"{scale(lo, digits)}–{scale(hi, digits)}"


def count(x: float | None) -> str:
    """1234 -> "1.234"."""
    if missing(x):
        return ""
    return format_decimal(int(x), format="#,##0", locale=LOCALE)  # type: ignore[arg-type]


def n_eq(x: float | None) -> str:
    """181 -> "n = 181" with no-break spaces."""
    return f"n{NBSP}={NBSP}{count(x)}"


def n_range(values: list[float]) -> str:
    """The bases of a chart: [175, 181] -> "n = 175–181", [181] -> "n = 181"."""
    shown = sorted({int(v) for v in values if not missing(v)})
    if not shown:
        return ""
    if shown[0] == shown[-1]:
        return n_eq(shown[0])
    return f"n{NBSP}={NBSP}{count(shown[0])}–{count(shown[-1])}"


def euro(x: float | None) -> str:
    """12000 -> "12.000 €" (no-break space before the sign)."""
    if missing(x):
        return ""
    return f"{format_decimal(int(x), format='#,##0', locale=LOCALE)}{NBSP}€"  # type: ignore[arg-type]


def long_date(d: date) -> str:
    """date(2026, 3, 9) -> "9. März 2026"."""
    return format_date(d, format="long", locale=LOCALE)


def or_suppressed(text: str, suppressed: bool) -> str:
    """The cell text, or the suppression mark for a hidden cell."""
    return SUPPRESSED if suppressed else text


def scale_with_ci(x: float | None, lo: float | None, hi: float | None, digits: int = 1) -> str:
    """(4.25, 4.0, 4.5) -> "4,3 (4,0–4,5)"."""
    return f"{scale(x, digits)} ({scale_ci(lo, hi, digits)})" if not missing(x) else ""
