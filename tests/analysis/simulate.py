"""Fast synthetic answers for simulation tests: three audiences, two waves, need matrix.

:func:`need_answers` draws every rating independently from per-(audience, wave, area)
probabilities of "in need" (rating 3-5), so a test can plant differences exactly where it
wants them - or none at all (the null).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from analysis.tidy import ANSWER_COLUMNS, NEED_AREAS

SIZES = {"newcomer": (232, 188), "volunteer": (32, 28), "administration": (13, 12)}


def need_answers(
    seed: int,
    p_need: Mapping[tuple[str, int, str], float] | None = None,
    base_p: Mapping[str, float] | None = None,
    sizes: Mapping[str, tuple[int, int]] = SIZES,
    finite: Mapping[str, int] | None = None,
) -> pd.DataFrame:
    """Long answers frame: need ratings of every audience in waves 1 and 2.

    ``base_p``: probability of need per area (default: fixed values between 0.2 and 0.8);
    ``p_need``: overrides for (audience, wave, area). 5 % "weiß nicht" and 3 % skipped
    items, as in the demo. Record keys are drawn from the same generator. ``finite``:
    {audience: N} - that audience is a finite population of N people of whom exactly
    round(p * N) are "in need" per area, and each wave samples without replacement from it
    (the setting the finite-population correction assumes).
    """
    rng = np.random.default_rng(seed)
    areas = list(NEED_AREAS)
    default = dict(zip(areas, np.linspace(0.2, 0.8, len(areas)), strict=True))
    base = {**default, **(base_p or {})}
    blocks = []
    for audience, per_wave in sizes.items():
        for wave, n in zip((1, 2), per_wave, strict=True):
            ids = np.array([f"{audience[0]}{wave}-{seed}-{i}" for i in range(n)], dtype=object)
            p = np.array([(p_need or {}).get((audience, wave, a), base[a]) for a in areas])
            if finite and audience in finite:
                big_n = finite[audience]
                k = np.round(p * big_n).astype(int)
                population = np.stack([rng.permutation(big_n) < kk for kk in k], axis=1)
                need = population[rng.choice(big_n, n, replace=False)]
            else:
                need = rng.random((n, len(areas))) < p
            rating = np.where(need, rng.integers(3, 6, need.shape), rng.integers(1, 3, need.shape))
            value = rating.astype(str).astype(object)
            u = rng.random(need.shape)
            value[u < 0.05] = "dk"
            keep = u >= 0.02  # ~2-3 % skipped items (of those not already dk)
            rid = np.repeat(ids, len(areas))[keep.ravel()]
            blocks.append(
                pd.DataFrame(
                    {
                        "response_id": rid,
                        "campaign": f"{audience}-w{wave}",
                        "wave": wave,
                        "audience": audience,
                        "language": "de",
                        "mode": "online",
                        "question_id": "need",
                        "item": np.tile(np.array(areas, dtype=object), n)[keep.ravel()],
                        "value": value.ravel()[keep.ravel()],
                        "text": None,
                        "record_key": np.repeat(rng.integers(0, 2**31, n), len(areas))[
                            keep.ravel()
                        ],
                    }
                )
            )
    return pd.concat(blocks, ignore_index=True)[[*ANSWER_COLUMNS, "record_key"]]
