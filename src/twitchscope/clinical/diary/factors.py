"""Which days count as "high" for each daily factor: a small data table with reasons.

Each daily factor of the diary (after the Consensus Sleep Diary) splits the recorded days into
days *with* the factor (high caffeine, heavy exercise, short sleep, ...) and days *without* it;
days where the factor was not recorded are left out. The thresholds are plain data here so the
pattern code holds no numbers of its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal

import numpy as np
import pandas as pd

#: How a factor splits days: value >= threshold, value < threshold, any medicine listed, or
#: heavy exercise (``heavy_exercise`` true, or ``exercise_minutes`` >= threshold).
Rule = Literal["at_least", "below", "any_listed", "heavy_or_long"]

#: Fewest days in each group (with / without) before a difference is stated.
MIN_DAYS_PER_GROUP: Final[int] = 7
#: Two-sided significance level of the with/without comparison.
ALPHA: Final[float] = 0.05


@dataclass(frozen=True)
class FactorRule:
    """How one daily factor splits days.

    Attributes
    ----------
    factor : str
        Name in results (``caffeine``, ``alcohol``, ``stress``, ``exercise``, ``short_sleep``,
        ``medications``).
    column : str
        Column of ``Diary.days`` it reads.
    rule : Rule
        How a day is classified.
    threshold : float
        The cut-off (unit of the column); unused for ``any_listed``.
    label : str
        Words for a day with the factor, as in "days with {label}".
    reason : str
        Why this cut-off, with its source.
    """

    factor: str
    column: str
    rule: Rule
    threshold: float
    label: str
    reason: str


FACTOR_RULES: Final[tuple[FactorRule, ...]] = (
    FactorRule(
        factor="caffeine",
        column="caffeine_cups",
        rule="at_least",
        threshold=3.0,
        label="3 or more cups of caffeinated drinks",
        reason="About 3 cups (roughly 250-300 mg caffeine) is above a typical adult day; "
        "caffeine is a named trigger of twitching (NHS: Twitching eyes and muscles) and "
        "worsens RLS (AASM restless legs guideline 2024).",
    ),
    FactorRule(
        factor="alcohol",
        column="alcohol_units",
        rule="at_least",
        threshold=3.0,
        label="3 or more units of alcohol",
        reason="More than the ~2 units a day of the UK low-risk limit (14 units a week); "
        "alcohol is a named trigger of twitching (NHS) and worsens RLS (AASM restless legs "
        "guideline 2024).",
    ),
    FactorRule(
        factor="stress",
        column="stress",
        rule="at_least",
        threshold=6.0,
        label="stress 6 or more out of 10",
        reason="The upper part of the 0-10 scale; stress and anxiety are the most named "
        "benign causes of twitching (NHS: Twitching eyes and muscles).",
    ),
    FactorRule(
        factor="exercise",
        column="exercise_minutes",
        rule="heavy_or_long",
        threshold=60.0,
        label="heavy exercise (or 60 minutes or more)",
        reason="Heavy exercise is a named cause of benign twitching (NHS); "
        "60 minutes marks a long session when the intensity was not noted.",
    ),
    FactorRule(
        factor="short_sleep",
        column="sleep_hours",
        rule="below",
        threshold=7.0,
        label="less than 7 hours of sleep",
        reason="Adults need 7 hours or more (AASM/SRS consensus, Watson et al., Sleep 2015); "
        "tiredness is a named cause of twitching (NHS: Twitching eyes and muscles).",
    ),
    FactorRule(
        factor="medications",
        column="medications",
        rule="any_listed",
        threshold=0.0,
        label="any medicine taken",
        reason="Medicines can cause twitching (NHS) or worsen RLS (AASM 2024); days "
        "with any medicine are compared with days on which none was taken.",
    ),
)


def classify_days(rule: FactorRule, days: pd.DataFrame) -> np.ndarray:
    """Classify each row of ``days``: 1.0 with the factor, 0.0 without, NaN not recorded.

    Parameters
    ----------
    rule : FactorRule
        The factor and its cut-off.
    days : pandas.DataFrame
        ``Diary.days``.

    Returns
    -------
    numpy.ndarray
        float64, one value per row.
    """
    n = len(days)
    out = np.full(n, np.nan)
    if n == 0:
        return out
    if rule.rule == "any_listed":
        meds = days[rule.column].to_numpy(dtype=object)
        known = np.array([m is not None for m in meds], dtype=bool)
        listed = np.array([bool(m) for m in meds], dtype=bool)
        out[known] = listed[known].astype(float)
        return out
    values = days[rule.column].to_numpy(dtype=float)
    known = ~np.isnan(values)
    if rule.rule == "at_least":
        out[known] = (values[known] >= rule.threshold).astype(float)
    elif rule.rule == "below":
        out[known] = (values[known] < rule.threshold).astype(float)
    else:  # heavy_or_long
        heavy = days["heavy_exercise"].to_numpy(dtype=object)
        heavy_true = np.array([h is True for h in heavy], dtype=bool)
        heavy_false = np.array([h is False for h in heavy], dtype=bool)
        long_ = known & (np.nan_to_num(values, nan=-1.0) >= rule.threshold)
        out[known | heavy_false] = 0.0
        out[heavy_true | long_] = 1.0
    return out
