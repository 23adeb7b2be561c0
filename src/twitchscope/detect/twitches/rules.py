"""The :class:`TwitchRules`: every threshold and window of the non-LM twitch kinds.

A sibling of :class:`~twitchscope.scoring.rules.RuleSet` in the same preset style: nothing
numeric about the twitch kinds lives anywhere else. One preset, ``aasm2020``, holds the
published definitions:

- **AASM 2020**: Berry RB et al., *The AASM Manual for the Scoring of Sleep and Associated
  Events*, version 2.6 (2020), "Movement rules": alternating leg muscle activation (ALMA),
  hypnagogic foot tremor (HFT), excessive fragmentary myoclonus (EFM).
- **ICSD-3**: American Academy of Sleep Medicine, *International Classification of Sleep
  Disorders*, 3rd ed. (2014): sleep starts (hypnic jerks), described but without numeric
  scoring criteria; the numbers of the hypnic-jerk detector are therefore named choices of
  twitchscope (marked below), not a standard.
- **WASM 2016**: Ferri R et al., Sleep Med 2016;26:86-95: a leg movement longer than 10 s is not
  a candidate LM; twitchscope reports such long movements (cramps, turning) as their own kind.
- **Tremor**: Deuschl G, Bain P, Brin M, *Consensus statement of the Movement Disorder Society on
  tremor*, Mov Disord 1998;13(S3):2-23 (rest 4-6 Hz, essential 4-12 Hz, physiological 8-12 Hz);
  orthostatic tremor 13-18 Hz (Deuschl 1998 ibid.). Detected as a spectral peak of the EMG
  envelope in 3-18 Hz.

Amplitudes are µV above the resting EMG (the sine-equivalent envelope of
:mod:`twitchscope.detect.emg`), times in seconds, frequencies in Hz.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, Final

from twitchscope.errors import ValidationError
from twitchscope.options import options_dict, preset_or_given, with_options


@dataclass(frozen=True)
class TwitchRules:
    """Thresholds of the twitch kinds (see the module docstring for the sources).

    Bursts (the building block of every burst kind)
    ----------------------------------------------
    envelope_block_s : length of one envelope block (the time resolution of burst edges).
    envelope_smooth_blocks : running mean over this many blocks before thresholding.
    burst_onset_uv, burst_offset_uv : a burst starts above rest + ``burst_onset_uv`` and ends at
        the first ``burst_quiet_s`` below rest + ``burst_offset_uv`` (the LM amplitude criterion of
        AASM/WASM, applied with a short quiet gap so that the bursts of a train stay apart).
    burst_min_s : shorter bursts are ignored (single-block noise).
    burst_rest_ratio : where the resting level is high, the onset threshold is at least this
        many times the resting level (the offset threshold grows in proportion).
    max_resting_level_uv : stretches with a higher resting level are too noisy to score (the
        MATPLM limit, as ``RuleSet.max_resting_level_uv``).

    Hypnic jerks (ICSD-3 sleep starts; numbers are twitchscope's choices)
    -------------------------------------------------------------------
    hypnic_min_amplitude_uv : a jerk is a large burst.
    hypnic_min_s, hypnic_max_s : a jerk is brief.
    hypnic_window_before_s, hypnic_window_after_s : it starts within this window around a
        wake-to-sleep transition (the first sleep epoch after wake).
    hypnic_isolation_s : no other burst on the same leg this long before or after (single).
    hypnic_bilateral_window_s : jerks on the two legs this close are one, ``leg`` ``both``.

    EFM (AASM 2020)
    ----------------
    efm_max_burst_s : the usual maximum duration of a fragmentary myoclonus potential (150 ms).
    efm_min_rate_per_min : a minute of NREM sleep meets the rule at >= 5 potentials.
    efm_min_total_min : EFM is excessive with >= 20 minutes of NREM sleep meeting the rule.
    efm_min_stretch_min : a row of ``twitches.csv`` is a stretch of at least this many
        qualifying minutes (consecutive, bridging ``efm_bridge_min`` minutes that fall short).
    efm_dedup_s : potentials on the two legs closer than this are one potential.

    ALMA (AASM 2020)
    ----------------
    alma_min_bursts : >= 4 discrete bursts alternating between the legs.
    alma_min_hz, alma_max_hz : 0.5-3.0 Hz (per leg, onset to onset on the same leg).
    alma_burst_min_s, alma_burst_max_s : 100-500 ms each.

    HFT (AASM 2020)
    ---------------
    hft_min_bursts : >= 4 bursts in a train on one leg.
    hft_min_hz, hft_max_hz : 0.3-4.0 Hz.
    hft_burst_min_s, hft_burst_max_s : the usual burst duration 250-1000 ms.

    Cardiac artefact (with an ECG; QRS and T waves leak into leg EMG)
    -----------------------------------------------------------------
    ecg_lock_before_s, ecg_lock_after_s : a burst starting in this window around an R peak is
        R-locked.
    ecg_lock_excess : a leg leaks when its share of R-locked short bursts exceeds this many
        times chance; there, R-locked bursts are not counted as fragmentary myoclonus.
    ecg_lock_train_share : an HFT train with at least this share of R-locked bursts is the heart.

    Long movements (WASM 2016 non-candidates)
    ------------------------------------------
    long_movement_min_s : a leg movement longer than this (10 s).

    Tremor (Deuschl 1998; spectral peak of the EMG envelope)
    --------------------------------------------------------
    tremor_band_hz : the peak must lie in 3-18 Hz.
    tremor_window_s : spectra are taken on windows of this length (0.25 Hz resolution at 4 s).
    tremor_peak_ratio : the peak's power (a local maximum, 3 bins summed) over the median power
        of its flanks, the bins ``tremor_peak_gap_hz`` to ``tremor_flank_hz`` away on both sides.
    tremor_min_amplitude_uv : the window's mean envelope must exceed rest by this much.
    tremor_min_windows : consecutive windows (peak within ``tremor_freq_tolerance_hz``) needed.
    tremor_freq_tolerance_hz : how far the peak may move between consecutive windows.
    """

    name: str = "aasm2020"
    # bursts
    envelope_block_s: float = 0.01
    envelope_smooth_blocks: int = 3
    burst_onset_uv: float = 8.0
    burst_offset_uv: float = 2.0
    burst_quiet_s: float = 0.05
    burst_min_s: float = 0.02
    burst_rest_ratio: float = 2.0
    max_resting_level_uv: float = 15.0
    # hypnic jerks
    hypnic_min_amplitude_uv: float = 100.0
    hypnic_min_s: float = 0.05
    hypnic_max_s: float = 1.0
    hypnic_window_before_s: float = 30.0
    hypnic_window_after_s: float = 60.0
    hypnic_isolation_s: float = 3.0
    hypnic_bilateral_window_s: float = 0.25
    # excessive fragmentary myoclonus
    efm_max_burst_s: float = 0.15
    efm_min_rate_per_min: float = 5.0
    efm_min_total_min: float = 20.0
    efm_min_stretch_min: int = 3
    efm_bridge_min: int = 1
    efm_dedup_s: float = 0.05
    # ALMA
    alma_min_bursts: int = 4
    alma_min_hz: float = 0.5
    alma_max_hz: float = 3.0
    alma_burst_min_s: float = 0.1
    alma_burst_max_s: float = 0.5
    # hypnagogic foot tremor
    hft_min_bursts: int = 4
    hft_min_hz: float = 0.3
    hft_max_hz: float = 4.0
    hft_burst_min_s: float = 0.25
    hft_burst_max_s: float = 1.0
    # cardiac artefact
    ecg_lock_before_s: float = 0.05
    ecg_lock_after_s: float = 0.3
    ecg_lock_excess: float = 2.0
    ecg_lock_train_share: float = 0.75
    # long movements
    long_movement_min_s: float = 10.0
    # tremor
    tremor_band_hz: tuple[float, float] = (3.0, 18.0)
    tremor_window_s: float = 4.0
    tremor_peak_ratio: float = 8.0
    tremor_peak_gap_hz: float = 0.75
    tremor_flank_hz: float = 3.0
    tremor_min_amplitude_uv: float = 4.0
    tremor_min_windows: int = 2
    tremor_freq_tolerance_hz: float = 1.0

    def __post_init__(self) -> None:
        _check(self)

    def replace(self, **changes: Any) -> TwitchRules:
        """A copy with some options changed (checked like the original)."""
        return get_twitch_rules(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        """Every option as JSON-friendly values (tuples become lists)."""
        return options_dict(self)


def _check(r: TwitchRules) -> None:
    for f in dataclasses.fields(r):
        v = getattr(r, f.name)
        if f.name == "name":
            continue
        values = v if isinstance(v, tuple) else (v,)
        for x in values:
            if isinstance(x, bool) or not isinstance(x, (int, float)) or not x >= 0:
                raise ValidationError(f"twitch_rules.{f.name}", f"must be a number >= 0, got {v!r}")
    pairs = (
        ("burst_offset_uv", "burst_onset_uv"),
        ("hypnic_min_s", "hypnic_max_s"),
        ("alma_min_hz", "alma_max_hz"),
        ("alma_burst_min_s", "alma_burst_max_s"),
        ("hft_min_hz", "hft_max_hz"),
        ("hft_burst_min_s", "hft_burst_max_s"),
    )
    for lo, hi in pairs:
        if not getattr(r, lo) < getattr(r, hi):
            raise ValidationError(f"twitch_rules.{lo}", f"must be below {hi}")
    for name in ("tremor_band_hz",):
        a, b = getattr(r, name)
        if not 0 < a < b:
            raise ValidationError(f"twitch_rules.{name}", f"need 0 < low < high, got {(a, b)}")
    positive = ("envelope_block_s", "burst_quiet_s", "tremor_window_s", "efm_max_burst_s")
    for name in positive:
        if not getattr(r, name) > 0:
            raise ValidationError(f"twitch_rules.{name}", "must be > 0")
    for name in ("alma_min_bursts", "hft_min_bursts", "tremor_min_windows", "efm_min_stretch_min"):
        if int(getattr(r, name)) < 1:
            raise ValidationError(f"twitch_rules.{name}", "must be at least 1")
    if not r.tremor_peak_gap_hz < r.tremor_flank_hz:
        raise ValidationError("twitch_rules.tremor_peak_gap_hz", "must be below tremor_flank_hz")
    if r.envelope_smooth_blocks < 1:
        raise ValidationError("twitch_rules.envelope_smooth_blocks", "must be at least 1")


AASM2020: Final[TwitchRules] = TwitchRules()

PRESETS: Final[dict[str, TwitchRules]] = {"aasm2020": AASM2020}

#: Where each kind's definition comes from (shown in reports and summary.json).
KIND_SOURCES: Final[dict[str, str]] = {
    "hypnic_jerk": "ICSD-3 (2014), sleep starts; numeric thresholds are twitchscope's choices",
    "fragmentary_myoclonus": "AASM Scoring Manual v2.6 (2020), excessive fragmentary myoclonus",
    "alma": "AASM Scoring Manual v2.6 (2020), alternating leg muscle activation",
    "hypnagogic_foot_tremor": "AASM Scoring Manual v2.6 (2020), hypnagogic foot tremor",
    "long_movement": "WASM 2016 (Ferri et al., Sleep Med 2016;26:86-95): LMs > 10 s are "
    "not candidate LMs",
    "tremor": "Deuschl et al., MDS consensus statement on tremor, Mov Disord 1998;13(S3):2-23",
}


def kind_rules(r: TwitchRules) -> dict[str, str]:
    """Each kind's rule in words, with the option values of ``r``."""
    lo, hi = r.tremor_band_hz
    return {
        "hypnic_jerk": (
            f"a single burst of {r.hypnic_min_s:g}-{r.hypnic_max_s:g} s reaching "
            f">= {r.hypnic_min_amplitude_uv:g} µV above rest, no other burst on that leg within "
            f"{r.hypnic_isolation_s:g} s, from {r.hypnic_window_before_s:g} s before to "
            f"{r.hypnic_window_after_s:g} s after a wake-to-sleep transition"
        ),
        "fragmentary_myoclonus": (
            f"potentials <= {1000 * r.efm_max_burst_s:g} ms; a minute of NREM sleep meets the rule "
            f"with >= {r.efm_min_rate_per_min:g} per minute; excessive with >= "
            f"{r.efm_min_total_min:g} such minutes"
        ),
        "alma": (
            f">= {r.alma_min_bursts} bursts of {1000 * r.alma_burst_min_s:g}-"
            f"{1000 * r.alma_burst_max_s:g} ms alternating between the legs at "
            f"{r.alma_min_hz:g}-{r.alma_max_hz:g} Hz"
        ),
        "hypnagogic_foot_tremor": (
            f">= {r.hft_min_bursts} bursts of {1000 * r.hft_burst_min_s:g}-"
            f"{1000 * r.hft_burst_max_s:g} ms on one leg at {r.hft_min_hz:g}-{r.hft_max_hz:g} Hz"
        ),
        "long_movement": f"a leg movement longer than {r.long_movement_min_s:g} s",
        "tremor": (
            f"a spectral peak of the EMG envelope in {lo:g}-{hi:g} Hz, >= {r.tremor_peak_ratio:g}x "
            f"the median power of its flanks, held over >= {r.tremor_min_windows} windows of "
            f"{r.tremor_window_s:g} s"
        ),
    }


def get_twitch_rules(rules: str | TwitchRules = "aasm2020", **overrides: Any) -> TwitchRules:
    """Return a preset (by name) or given twitch rules, with options overridden.

    Raises
    ------
    ValidationError
        For an unknown preset, an unknown option or an impossible value.
    """
    base = preset_or_given(rules, TwitchRules, PRESETS, "twitch_rules")
    if not overrides:
        return base
    return with_options(base, "twitch_rules", ("tremor_band_hz",), **overrides)
