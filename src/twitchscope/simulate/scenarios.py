"""Simulation scenarios: every numeric choice of a simulated night, with its reason.

A :class:`Scenario` holds ranges; :func:`twitchscope.simulate.simulate_night` draws the night's
actual values from them with the seeded generator (and records them in the truth file).

Sources behind the defaults (short names used in comments):

- **Ohayon 2004**: Ohayon MM et al., meta-analysis of sleep parameters across the life span,
  Sleep 2004;27:1255-73 (sleep-onset latency 10-20 min, N1 ~5 %, N2 ~50 %, N3 15-20 %,
  REM 20-25 %, WASO growing with age).
- **Carskadon & Dement**: Principles and Practice of Sleep Medicine, "Normal human sleep"
  (NREM/REM cycles of ~90 min, N3 in the first cycles, REM periods lengthening).
- **WASM 2016**: Ferri R et al., Sleep Med 2016;26:86-95 (LM 0.5-10 s, IMI 10-90 s, Fig. of
  IMI distributions); **Ferri 2006**: Ferri R et al., Sleep 2006;29:759-69 (IMI histogram of
  RLS patients: main peak ~20-40 s, a second peak < 10 s).
- **Pollmaecher 1993**: Pollmächer T, Schulz H, Sleep 1993;16:572-7 (PLMS most frequent in
  N1/N2, rarer in N3 and REM, declining over the night).
- **Montplaisir 1997**: Montplaisir J et al., Mov Disord 1997;12:61-5 (RLS: PLMS index > 5/h in
  80-88 % of patients, typical 20-60/h; longer sleep latency).
- **AASM**: AASM scoring manual v2.x (apnoea >= 10 s, hypopnoea >= 10 s, arousal >= 3 s).
- **Manconi 2014**: Manconi M et al., "Periodic limb movements during sleep and respiratory
  events", Sleep Med Rev 2014 (LMs cluster at apnoea ends, 2 s before to 10 s after).
- **Merletti**: Merletti R, Parker P, Electromyography (surface EMG power mostly 20-150 Hz,
  resting amplifier/skin noise of a few µV RMS).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from twitchscope.errors import TwitchscopeError


@dataclass(frozen=True)
class Scenario:
    """Parameters of a simulated night. Ranges are ``(low, high)`` and drawn per night.

    Times are seconds unless the name says ``_h`` (hours) or ``_min`` (minutes); amplitudes µV;
    rates Hz; ``*_per_h`` are events per hour of the state they occur in.
    """

    name: str
    description: str
    # --- recording -----------------------------------------------------------------------------
    #: Night length drawn uniformly in hours; 7-9 h is a typical lights-off-to-lights-on PSG.
    duration_h: tuple[float, float] = (7.0, 9.0)
    #: Leg EMG rate. WASM 2016 asks >= 200 Hz; real systems use 200, 256, 500 or 512 Hz.
    leg_fs: int = 256
    eeg_fs: int = 256  # AASM recommended 500 Hz, 256 Hz is common (Embla, Compumedics)
    chin_fs: int = 256
    ecg_fs: int = 256
    resp_fs: int = 32  # flow/effort belts: AASM recommends 100 Hz, 25-32 Hz common
    spo2_fs: int = 1  # oximeters report 1 Hz (some 3-10 Hz)
    # --- sleep architecture (Ohayon 2004, Carskadon & Dement) ----------------------------------
    sleep_latency_min: tuple[float, float] = (8.0, 20.0)
    #: Probability per sleep epoch of a brief awakening (1-3 epochs of W); sets WASO.
    awakening_prob: float = 0.012
    n3_scale: float = 1.0  # multiplies the N3 time of each cycle (0.5 in older adults)
    final_wake_min: tuple[float, float] = (3.0, 20.0)
    # --- leg movements -------------------------------------------------------------------------
    #: Target PLMS index (periodic LMs in sleep per hour of sleep), drawn uniformly.
    plms_index: tuple[float, float] = (1.0, 4.0)
    #: Median series length (LMs) of the log-normal length distribution; min 4 (WASM 2016).
    series_len_median: float = 12.0
    #: Share of series laterality modes: bilateral, alternating, one-sided, mixed.
    laterality_weights: tuple[float, float, float, float] = (0.35, 0.15, 0.25, 0.25)
    #: Isolated (non-periodic) LMs per hour of sleep; healthy adults show a few LMs per hour
    #: outside series (LM index < ~10/h, Pennestri 2006).
    isolated_per_h: float = 4.0
    #: LMs per hour of wake (many > 10 s: non-candidates; WASM 2016 PLMW); restless wake in
    #: bed is full of movement, RLS patients more so (PLMW often > 15/h, Montplaisir 1997).
    wake_lm_per_h: float = 15.0
    #: Posture changes per hour of night: a long bilateral movement and a resting-level step
    #: (adults change position ~1-2 times per hour in bed, De Koninck 1992).
    posture_per_h: float = 1.2
    #: Peak burst RMS above rest for sleep LMs (log-uniform). 15-100 µV is well above 8 µV.
    lm_amplitude_uv: tuple[float, float] = (15.0, 100.0)
    #: Share of LMs with short (< 0.5 s) gaps inside (one LM) and with a long gap (two LMs).
    fragment_prob: float = 0.15
    split_prob: float = 0.03
    #: Share of periodic LMs that cause an arousal (onset within 0.5 s of the LM); PLMS with
    #: arousal are typically 10-30 % of PLMS (PLMS-arousal index a fraction of the PLMS index).
    lm_arousal_prob: float = 0.2
    #: Chance of a hypnic jerk at each wake-to-sleep transition (60-70 % of people have them,
    #: but not at every sleep onset).
    hypnic_jerk_prob: float = 0.3
    # --- breathing -----------------------------------------------------------------------------
    ahi: tuple[float, float] = (0.5, 3.0)
    #: Shares of obstructive apnoea, central apnoea, hypopnoea among respiratory events.
    resp_kind_weights: tuple[float, float, float] = (0.3, 0.1, 0.6)
    #: Share of respiratory events ending with an LM (Manconi 2014: 20-50 % in OSA).
    resp_lm_prob: float = 0.2
    #: Share of respiratory events ending with an arousal (most obstructive events do).
    resp_arousal_prob: float = 0.6
    spontaneous_arousal_per_h: float = 8.0  # healthy adults 5-20/h (Bonnet & Arand 2007)
    # --- leg EMG resting level and interference -------------------------------------------------
    #: Resting leg EMG RMS in µV per leg (Merletti: a few µV).
    rest_rms_uv: tuple[float, float] = (1.5, 3.5)
    #: Slow drift of the resting level, as the SD of its log over the night (electrode
    #: impedance and skin changes; MATPLM and S-PLMAD track it with running baselines).
    rest_drift: float = 0.15
    #: Factor range of a resting-level step at a posture change (log-uniform, symmetric).
    posture_step: float = 1.5
    #: Peak of the QRS leak in the leg channels (µV); 3-15 µV is what tibialis leads pick up
    #: (S-PLMAD had to cancel it adaptively, Moore 2014).
    ecg_leak_uv: tuple[float, float] = (2.0, 12.0)
    heart_rate_bpm: tuple[float, float] = (52.0, 75.0)
    #: Mains frequency (50 Hz Europe, 60 Hz Americas) and its amplitude in the leg leads: below
    #: 2 µV with good electrodes, tens of µV with a poor ground.
    mains_hz: float = 50.0
    mains_uv: tuple[float, float] = (0.3, 1.5)
    # --- artefacts (leg channels) -----------------------------------------------------------------
    #: Artefact rates: a clean lab recording has a few per night; the ``noisy`` one many.
    movement_artefacts_per_h: float = 0.5
    electrode_pops_per_h: float = 0.5
    disconnected_min: tuple[float, float] = (0.0, 0.0)  # 0 = none
    #: ``"flat"`` (electrode off, amplifier input shorted) or ``"noise"`` (open input: mains).
    disconnected_mode: str = "flat"
    clipping_s: tuple[float, float] = (0.0, 0.0)  # 0 = none
    #: Share of electrode pops placed inside a true LM of their leg (pops do not wait for a
    #: quiet moment), and chance per LM of a brief cable-motion artefact starting inside it.
    pop_in_lm_share: float = 0.3
    lm_artefact_prob: float = 0.01
    # --- variety between nights and legs (drawn per night; see the module docstring) ------------
    #: Leg EMG rates drawn per night (200, 256, 500 and 512 Hz are what PSG systems write; WASM
    #: 2016 asks >= 200 Hz). Empty: always ``leg_fs``. The other EMG/ECG channels follow when
    #: they were at the leg's rate.
    leg_fs_choices: tuple[int, ...] = (200, 256, 500, 512)
    #: Mains frequencies drawn per night (Europe 50 Hz, the Americas 60 Hz). Empty: ``mains_hz``.
    mains_hz_choices: tuple[float, ...] = (50.0, 60.0)
    #: Resting EMG spectrum, per leg: the resting "EMG" of a relaxed tibialis is mostly electrode
    #: and amplifier noise plus a little tonic activity, its spectrum set by the electrodes and
    #: the amplifier's filters. Two noise bands are mixed with a weight that drifts slowly over
    #: the night: a low band (lower edge drawn from ``rest_low_band_hz``, upper edge 40-60 Hz)
    #: and a broad one (20 Hz to an upper edge drawn from ``rest_high_edge_hz``).
    rest_low_band_hz: tuple[float, float] = (8.0, 15.0)
    rest_high_edge_hz: tuple[float, float] = (90.0, 180.0)
    #: Log change of each leg's resting level from the start to the end of the night (drawn per
    #: leg, uniform): sweat and electrode gel change the impedance slowly.
    rest_trend: tuple[float, float] = (-0.5, 0.5)
    #: Chance that the QRS leak changes polarity at a posture change, its strength drawn afresh
    #: at 0.5-2 x the leg's leak: the leg's position relative to the heart's axis changes.
    ecg_flip_prob: float = 0.3
    #: Share of the T wave leaking with the QRS (0 = QRS only; wide leads pick up some T).
    ecg_t_wave: tuple[float, float] = (0.0, 0.3)
    #: Small non-LM twitches (fragmentary, myoclonus-like bursts < 0.5 s) per hour of each
    #: stage W, N1, N2, N3, R, times a per-night factor drawn log-uniformly from
    #: ``twitch_rate_factor``: they are common in REM (phasic activity) and light NREM and make
    #: "excessive fragmentary myoclonus" when >= 5/min (AASM 2.6). Durations are drawn from
    #: ``twitch_duration_s``; none of them is an LM (each < 0.5 s and >= 0.7 s from any other
    #: activity of its leg, so WASM joining cannot make one).
    twitch_per_h: tuple[float, float, float, float, float] = (10.0, 30.0, 20.0, 6.0, 90.0)
    twitch_rate_factor: tuple[float, float] = (0.5, 2.0)
    twitch_duration_s: tuple[float, float] = (0.05, 0.4)
    twitch_amplitude_uv: tuple[float, float] = (8.0, 120.0)
    #: Share of obstructive apnoeas/hypopnoeas whose last efforts show in the leg EMG as brief
    #: bursts (< 0.5 s, one per breath effort every 2.5-5 s).
    effort_burst_prob: float = 0.3
    #: Share of respiratory arousals with a tonic rise of the leg EMG of ``arousal_emg_uv``
    #: (RMS above rest: at most 5 µV in amplitude, below the 8 µV onset threshold) for 3-12 s.
    arousal_emg_prob: float = 0.4
    arousal_emg_uv: tuple[float, float] = (1.2, 3.5)
    #: EDF+D: number of recording pauses (gaps) per night, drawn uniformly from this range, and
    #: their length in s. Pauses fall in wake where there is wake (a bathroom break).
    recording_gaps: tuple[int, int] = (0, 0)
    recording_gap_s: tuple[float, float] = (60.0, 600.0)

    def to_dict(self) -> dict[str, Any]:
        """All parameters as a JSON-ready dict (tuples become lists)."""
        return {k: list(v) if isinstance(v, tuple) else v for k, v in asdict(self).items()}


SCENARIOS: dict[str, Scenario] = {
    "healthy": Scenario(
        name="healthy",
        description="Healthy adult sleeper: few isolated LMs, PLMS index < 5/h, AHI < 5/h.",
        leg_fs=256,
        plms_index=(0.5, 3.5),
        series_len_median=6.0,
        isolated_per_h=3.0,
        twitch_rate_factor=(1.0, 3.0),
    ),
    "rls": Scenario(
        name="rls",
        description="Restless legs syndrome: PLMS 25-50/h in long series (Montplaisir 1997), "
        "longer sleep latency and more WASO.",
        leg_fs=500,
        chin_fs=500,
        ecg_fs=500,
        sleep_latency_min=(18.0, 45.0),
        awakening_prob=0.02,
        plms_index=(25.0, 45.0),
        series_len_median=20.0,
        isolated_per_h=5.0,
        wake_lm_per_h=30.0,
        lm_arousal_prob=0.25,
        ahi=(1.0, 4.0),
        recording_gaps=(0, 1),
    ),
    "severe": Scenario(
        name="severe",
        description="Severe PLMS: > 60/h, series for most of the night, arousals frequent.",
        leg_fs=512,
        chin_fs=512,
        ecg_fs=512,
        eeg_fs=256,
        sleep_latency_min=(20.0, 50.0),
        awakening_prob=0.025,
        plms_index=(65.0, 95.0),
        series_len_median=40.0,
        isolated_per_h=5.0,
        wake_lm_per_h=40.0,
        lm_arousal_prob=0.3,
        ahi=(1.0, 4.0),
    ),
    "osa": Scenario(
        name="osa",
        description="Moderate-severe obstructive sleep apnoea (AHI ~30/h) with many LMs at "
        "apnoea ends (respiratory-related, Manconi 2014) and a modest PLMS index.",
        leg_fs=200,
        chin_fs=200,
        ecg_fs=200,
        eeg_fs=200,
        resp_fs=100,
        n3_scale=0.5,
        awakening_prob=0.02,
        plms_index=(4.0, 10.0),
        series_len_median=8.0,
        ahi=(25.0, 35.0),
        resp_kind_weights=(0.55, 0.08, 0.37),
        resp_lm_prob=0.35,
        resp_arousal_prob=0.75,
        spontaneous_arousal_per_h=5.0,
        mains_hz=60.0,
        effort_burst_prob=0.5,
        arousal_emg_prob=0.6,
        recording_gaps=(0, 1),
    ),
    "noisy": Scenario(
        name="noisy",
        description="A difficult recording: strong 60 Hz mains, strong ECG leak, many posture "
        "steps, electrode pops, movement artefacts, a disconnected stretch and clipping.",
        leg_fs=256,
        plms_index=(15.0, 35.0),
        posture_per_h=3.0,
        posture_step=2.2,
        rest_drift=0.3,
        rest_rms_uv=(2.0, 4.0),
        ecg_leak_uv=(8.0, 25.0),
        mains_hz=60.0,
        mains_uv=(10.0, 30.0),
        movement_artefacts_per_h=3.0,
        electrode_pops_per_h=4.0,
        disconnected_min=(4.0, 10.0),
        disconnected_mode="noise",
        clipping_s=(10.0, 40.0),
        recording_gaps=(1, 2),
        lm_artefact_prob=0.03,
    ),
    "low_amplitude": Scenario(
        name="low_amplitude",
        description="Low-amplitude LMs (10-25 µV above a 1-2 µV rest): hard for fixed "
        "thresholds, PLMS 20-40/h.",
        leg_fs=512,
        chin_fs=512,
        ecg_fs=512,
        plms_index=(20.0, 40.0),
        series_len_median=15.0,
        lm_amplitude_uv=(10.0, 25.0),
        rest_rms_uv=(1.0, 2.0),
        ecg_leak_uv=(3.0, 5.0),
        mains_uv=(0.2, 0.8),
    ),
    "child": Scenario(
        name="child",
        description="A child's night (6-12 years): 9-10.5 h, more N3, faster heart, smaller "
        "legs and lower resting EMG, PLMS 3-12/h around the paediatric cut-off of 5/h "
        "(ICSD-3), many REM twitches.",
        duration_h=(9.0, 10.5),
        leg_fs=256,
        sleep_latency_min=(10.0, 30.0),
        awakening_prob=0.006,
        n3_scale=1.6,
        final_wake_min=(3.0, 10.0),
        plms_index=(3.0, 12.0),
        series_len_median=8.0,
        isolated_per_h=4.0,
        wake_lm_per_h=20.0,
        posture_per_h=2.0,
        lm_amplitude_uv=(12.0, 80.0),
        ahi=(0.2, 1.5),
        spontaneous_arousal_per_h=6.0,
        rest_rms_uv=(1.0, 2.5),
        ecg_leak_uv=(4.0, 12.0),
        heart_rate_bpm=(72.0, 100.0),
        twitch_per_h=(10.0, 30.0, 25.0, 8.0, 150.0),
        recording_gaps=(0, 1),
    ),
    "plmd_no_rls": Scenario(
        name="plmd_no_rls",
        description="PLMS 15-30/h without RLS-like sleep latency, flat artefact-free signals; "
        "near the ICSD-3 adult cut-off region.",
        leg_fs=256,
        plms_index=(16.0, 30.0),
        series_len_median=12.0,
        lm_arousal_prob=0.3,
    ),
}


def get_scenario(name: str) -> Scenario:
    """Return the scenario called ``name``.

    Raises
    ------
    TwitchscopeError
        When no scenario has that name; the message lists the known ones.
    """
    try:
        return SCENARIOS[name]
    except KeyError:
        raise TwitchscopeError(
            f"unknown scenario {name!r}; known scenarios: {', '.join(sorted(SCENARIOS))}"
        ) from None
