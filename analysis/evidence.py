"""How strong the evidence for a difference is, after correcting for many comparisons.

A difference counts only if it is **relevant**: more than :data:`RELEVANT_DIFFERENCE`
(5 proportion points). The null hypothesis of each comparison is |difference| <= 5 points,
tested by inverting the Newcombe interval (:func:`analysis.stats.newcombe_p_value` with
``margin``): the 1 - p interval just touches the band of +-5 points. A 2-point gap that a
large sample makes "significant" is not a finding for a council; and on data without any
difference the procedure stays well below its nominal rate (see
``tests/analysis/test_false_discoveries.py``).

A view compares many things at once: the perception gaps of one slide (13 areas x 2
audiences = 26 comparisons), the wave changes of 13 areas, the group differences of one
breakdown. Tested one by one at 5 %, about one in twenty comparisons looks "significant"
by chance alone. Each such **family** is therefore corrected with the Benjamini-Hochberg
(1995) step-up procedure, which keeps the expected share of false discoveries among the
reported differences at :data:`FDR_Q` (5 %); when nothing differs at all it also keeps the
chance of reporting any difference at 5 %. Because the p-values come from the same
intervals that are shown, a difference is never called clear while its 95 % interval
contains 0.

Wording follows the adjusted evidence (:func:`evidence`):

``"deutlich"``   adjusted p <= 5 %: the sentence may say the groups differ.
``"Hinweis"``    unadjusted p < 5 % but adjusted p > 5 %: at most "ein Hinweis, der sich
                 in der nächsten Welle bestätigen müsste" - never a claim, never a measure.
``""``           no claim.

"gesichert" is not used for any single test.
"""

from __future__ import annotations

import numpy as np

from analysis.stats import ArrayLike, benjamini_hochberg

FDR_Q = 0.05
ALPHA = 0.05
RELEVANT_DIFFERENCE = 0.05
CLEAR = "deutlich"
HINT = "Hinweis"


def evidence(
    p_values: ArrayLike, q: float = FDR_Q, alpha: float = ALPHA
) -> tuple[np.ndarray, np.ndarray]:
    """(Benjamini-Hochberg adjusted p-values, evidence labels) for one family of tests.

    NaN p-values (e.g. suppressed comparisons) are not counted in the family and get "".
    """
    p = np.asarray(p_values, dtype=float)
    adjusted = benjamini_hochberg(p)
    label = np.where(
        adjusted <= q, CLEAR, np.where((p < alpha) & ~np.isnan(adjusted), HINT, "")
    ).astype(object)
    return adjusted, label
