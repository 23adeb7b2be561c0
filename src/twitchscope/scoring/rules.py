"""The :class:`RuleSet`: every threshold and window of leg-movement detection and PLM scoring.

Nothing numeric about the rules lives anywhere else. Two presets reproduce the standards:

``wasm2016`` (default)
    Ferri R. et al., World Association of Sleep Medicine 2016 standards for recording and scoring
    leg movements in polysomnograms, Sleep Med 2016;26:86-95. Choices the text leaves open follow
    PLMScoRe, the R implementation by WASM co-authors.
``aasm``
    AASM Manual for the Scoring of Sleep and Associated Events (v2.x), movement rules.

Every option on which published tools disagree is a named field, so any tool can be reproduced
with ``get_rules("wasm2016", interval_max_inclusive=False)`` (SOMAS's ``< 90 s``) and the like.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final, Literal

from twitchscope.errors import ValidationError
from twitchscope.options import options_dict, preset_or_given, with_options

BilateralRule = Literal["wasm2016", "aasm"]
RespiratoryAnchor = Literal["event_end", "event"]
PeriodicityDefinition = Literal["plm_over_clm", "ferri2006_interval"]
PlmwWake = Literal["time_in_bed", "after_sleep_onset"]


@dataclass(frozen=True)
class RuleSet:
    """All parameters of detection and scoring. Times in seconds, amplitudes in µV, rates in Hz.

    Detection (per leg, tibialis anterior EMG)
    ------------------------------------------
    bandpass_hz : (low, high) band-pass applied at the native rate before rectification.
    min_sampling_rate_hz : a leg channel sampled below this is refused.
    onset_threshold_uv : an LM starts where EMG rises this far above the resting level.
    offset_threshold_uv : an LM ends at the start of ``offset_min_duration_s`` within this of rest.
    offset_min_duration_s : length of the quiet stretch that ends an LM.
    min_lm_duration_s : shorter bursts are not LMs.
    merge_gap_s : same-leg bursts separated by less than this are one LM.
    morphology_rule : apply the WASM computer-scoring rule: an LM must hold a stretch of
        ``morphology_window_s`` whose median exceeds rest + ``morphology_threshold_uv``.
    max_resting_level_uv : where the resting level exceeds this the stretch is too noisy to score
        and is excluded (and reported).

    Scoring
    -------
    candidate_max_duration_s : a monolateral LM longer than this is not a candidate (CLM).
    bilateral_rule : ``"wasm2016"`` joins LMs on the two legs that overlap or whose gap is below
        ``bilateral_max_gap_s``; ``"aasm"`` joins LMs whose onsets are less than
        ``bilateral_onset_window_s`` apart.
    bilateral_max_components, bilateral_max_duration_s : a bilateral LM is a CLM only if it joins
        at most this many monolateral LMs and lasts at most this long (WASM 2016).
    interval_min_s, interval_max_s : bounds of the onset-to-onset inter-movement interval (IMI) in
        a PLM series; ``interval_*_inclusive`` say whether the bound itself is inside.
    min_series_length : CLMs needed for a PLM series.
    short_interval_may_start_series : whether a CLM preceded by an IMI below ``interval_min_s`` may
        be the first CLM of a new series (PLMScoRe: yes; SOMAS: no).
    noncandidate_breaks_series : a non-candidate LM between two CLMs ends the series.
    series_across_wake : whether series run across wake epochs (PLMS and PLMW are then split by
        the stage at each movement's onset), as in WASM 2016.
    respiratory_anchor : ``"event_end"`` (WASM: window around the end of the respiratory event)
        or ``"event"`` (AASM: window around the whole event).
    respiratory_window_before_s, respiratory_window_after_s : the window's extent before and after
        the anchor.
    respiratory_event_kinds : which event kinds count (see :mod:`twitchscope.events`).
    respiratory_recompute_intervals : after removing respiratory-related LMs, recompute intervals
        and series for the "without respiratory" indices (WASM 2016).
    respiratory_in_main_index : whether respiratory-related LMs stay in the main PLM indices.
        WASM 2016 keeps them and reports the "without respiratory" indices beside the main ones
        (True); AASM says an LM in the respiratory window is not scored (False: such LMs are
        removed before intervals and series, as if absent).
    arousal_max_gap_s : an LM and an arousal are associated when they overlap or when one ends
        less than this before the other starts.
    arousal_gap_inclusive : whether a gap of exactly ``arousal_max_gap_s`` still associates
        (PLMScoRe: yes, ``<=``); the standards' text says "less than" (False).
    periodicity_index : ``"plm_over_clm"`` (PLM / CLM, as PLMScoRe and SOMAS) or
        ``"ferri2006_interval"`` (Ferri 2006: share of IMIs in 10-90 s within runs of >= 3).
    plmw_wake : which wake the PLMW index (and the LM index in wake) counts and divides by.
        ``"time_in_bed"``: every W epoch of the hypnogram (lights off to lights on), before and
        after sleep onset, as PLMScoRe (the WASM co-authors' implementation) counts it; the
        wake before sleep onset is where people with restless legs move most.
        ``"after_sleep_onset"``: only W epochs from the first sleep epoch on (wake after sleep
        onset, WASO), and only movements in them.
    """

    name: str = "wasm2016"
    # detection
    bandpass_hz: tuple[float, float] = (10.0, 100.0)
    min_sampling_rate_hz: float = 100.0
    onset_threshold_uv: float = 8.0
    offset_threshold_uv: float = 2.0
    offset_min_duration_s: float = 0.5
    min_lm_duration_s: float = 0.5
    merge_gap_s: float = 0.5
    morphology_rule: bool = True
    morphology_window_s: float = 0.5
    morphology_threshold_uv: float = 2.0
    max_resting_level_uv: float = 15.0
    # scoring
    candidate_max_duration_s: float = 10.0
    bilateral_rule: BilateralRule = "wasm2016"
    bilateral_max_gap_s: float = 0.5
    bilateral_onset_window_s: float = 5.0
    bilateral_max_components: int = 4
    bilateral_max_duration_s: float = 15.0
    interval_min_s: float = 10.0
    interval_min_inclusive: bool = True
    interval_max_s: float = 90.0
    interval_max_inclusive: bool = True
    min_series_length: int = 4
    short_interval_may_start_series: bool = True
    noncandidate_breaks_series: bool = True
    series_across_wake: bool = True
    respiratory_anchor: RespiratoryAnchor = "event_end"
    respiratory_window_before_s: float = 2.0
    respiratory_window_after_s: float = 10.25
    respiratory_event_kinds: tuple[str, ...] = (
        "obstructive_apnea",
        "central_apnea",
        "mixed_apnea",
        "apnea",
        "hypopnea",
    )
    respiratory_recompute_intervals: bool = True
    respiratory_in_main_index: bool = True
    arousal_max_gap_s: float = 0.5
    arousal_gap_inclusive: bool = False
    periodicity_index: PeriodicityDefinition = "plm_over_clm"
    plmw_wake: PlmwWake = "time_in_bed"

    def __post_init__(self) -> None:
        _check_rules(self)

    def replace(self, **changes: Any) -> RuleSet:
        """A copy with some options changed (checked like the original)."""
        return get_rules(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        """Every option as JSON-friendly values (tuples become lists)."""
        return options_dict(self)


def _check_rules(r: RuleSet) -> None:
    positive = (
        "min_sampling_rate_hz",
        "onset_threshold_uv",
        "offset_min_duration_s",
        "min_lm_duration_s",
        "morphology_window_s",
        "max_resting_level_uv",
        "candidate_max_duration_s",
        "bilateral_onset_window_s",
        "bilateral_max_duration_s",
        "interval_max_s",
    )
    for name in positive:
        value = getattr(r, name)
        if not value > 0:
            raise ValidationError(f"rules.{name}", f"must be > 0, got {value!r}")
    for name in (
        "offset_threshold_uv",
        "merge_gap_s",
        "morphology_threshold_uv",
        "bilateral_max_gap_s",
        "interval_min_s",
        "respiratory_window_before_s",
        "respiratory_window_after_s",
        "arousal_max_gap_s",
    ):
        value = getattr(r, name)
        if not value >= 0:
            raise ValidationError(f"rules.{name}", f"must be >= 0, got {value!r}")
    low, high = r.bandpass_hz
    if not 0 < low < high:
        raise ValidationError("rules.bandpass_hz", f"need 0 < low < high, got {r.bandpass_hz}")
    if r.offset_threshold_uv >= r.onset_threshold_uv:
        raise ValidationError(
            "rules.offset_threshold_uv", "must be below onset_threshold_uv (hysteresis)"
        )
    if r.interval_min_s >= r.interval_max_s:
        raise ValidationError("rules.interval_min_s", "must be below interval_max_s")
    if r.min_series_length < 2:
        raise ValidationError("rules.min_series_length", "must be at least 2")
    if r.bilateral_max_components < 2:
        raise ValidationError("rules.bilateral_max_components", "must be at least 2")
    if r.bilateral_rule not in ("wasm2016", "aasm"):
        raise ValidationError("rules.bilateral_rule", "must be 'wasm2016' or 'aasm'")
    if r.respiratory_anchor not in ("event_end", "event"):
        raise ValidationError("rules.respiratory_anchor", "must be 'event_end' or 'event'")
    if r.periodicity_index not in ("plm_over_clm", "ferri2006_interval"):
        raise ValidationError(
            "rules.periodicity_index", "must be 'plm_over_clm' or 'ferri2006_interval'"
        )
    if r.plmw_wake not in ("time_in_bed", "after_sleep_onset"):
        raise ValidationError("rules.plmw_wake", "must be 'time_in_bed' or 'after_sleep_onset'")


WASM2016: Final[RuleSet] = RuleSet()

AASM: Final[RuleSet] = RuleSet(
    name="aasm",
    # The AASM manual has no computer-scoring morphology rule.
    morphology_rule=False,
    bilateral_rule="aasm",
    # AASM: PLM series of >= 4 LMs with onset-to-onset intervals of 5-90 s.
    interval_min_s=5.0,
    interval_max_s=90.0,
    # AASM: an LM is not scored within 0.5 s before or after an apnoea/hypopnoea/RERA.
    respiratory_anchor="event",
    respiratory_window_before_s=0.5,
    respiratory_window_after_s=0.5,
    respiratory_event_kinds=(
        "obstructive_apnea",
        "central_apnea",
        "mixed_apnea",
        "apnea",
        "hypopnea",
        "rera",
    ),
    respiratory_recompute_intervals=False,
    # AASM: such LMs are not scored at all, so they leave the main indices.
    respiratory_in_main_index=False,
)

PRESETS: Final[dict[str, RuleSet]] = {"wasm2016": WASM2016, "aasm": AASM}


def get_rules(rules: str | RuleSet = "wasm2016", **overrides: Any) -> RuleSet:
    """Return a preset (by name) or a given rule set, with options overridden.

    Raises
    ------
    ValidationError
        For an unknown preset, an unknown option or an impossible value.
    """
    base = preset_or_given(rules, RuleSet, PRESETS, "rules")
    if not overrides:
        return base
    return with_options(base, "rules", ("bandpass_hz", "respiratory_event_kinds"), **overrides)
