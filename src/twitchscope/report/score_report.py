"""``report.html`` of ``twitchscope score``: one night's leg movements, scored, on one page.

:func:`night_context` turns a :class:`~twitchscope.report.night.NightView` into the plain values
the templates show (formatted indices with their cut-offs, warnings, figures, channels, rules);
``night.html`` lays them out. The web app and the doctor report use the same context.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Final

from twitchscope.report.night import NightView
from twitchscope.report.templating import fmt_number, render
from twitchscope.results import (
    CUTOFF_SOURCE,
    CUTOFFS,
    MAIN_INDICES,
    unit_of,
)

if TYPE_CHECKING:
    from twitchscope.results import ScoreResult

#: The template of report.html.
REPORT_TEMPLATE: Final = "night.html"
LABELS: Final[dict[str, str]] = {
    "plms_index": "PLMS index",
    "plmw_index": "PLMW index",
    "lm_index": "LM index",
    "plms_count": "PLMS count",
    "periodicity_index": "Periodicity index",
    "plms_index_nonrespiratory": "PLMS index without respiratory-related LMs",
    "plms_arousal_index": "PLMS index with arousal",
    "total_sleep_time_h": "Total sleep time",
    "time_in_bed_h": "Time in bed",
    "lms_index_wake": "LM index in wake",
    "clm_index": "CLM index (candidate LMs in sleep)",
    "plmw_count": "PLMW count",
    "lm_count": "LM count (sleep)",
    "clm_count": "CLM count (sleep)",
    "plms_count_nonrespiratory": "PLMS count without respiratory-related LMs",
    "respiratory_lm_count": "Respiratory-related LMs in sleep",
    "plms_arousal_count": "PLMS with arousal",
    "plm_series_count": "PLM series",
    "mean_series_length": "Mean series length (movements)",
    "wake_after_sleep_onset_h": "Wake after sleep onset",
    "recording_time_h": "Recording length",
    "excluded_h": "Time excluded from scoring (artefact, noise)",
    "index_hours": "Hours behind the sleep indices",
    "wake_hours": "Hours behind the wake indices",
    "wake_in_bed_h": "Wake in time in bed",
}
#: Numeric keys of summary.json that are facts about the file, not indices.
_NOT_INDICES: Final[frozenset[str]] = frozenset(
    {"recording_duration_s", "n_scored_movements", "plms_index_cutoff"}
)
_CARD_KEYS: Final[tuple[str, ...]] = ("plms_index", "plmw_index", "lm_index", "periodicity_index")


def format_value(value: Any, unit: str) -> str:
    """An index value with its unit for a report (``26.0 /h``, ``173``, ``0.81``, ``n/a``)."""
    if unit == "count":
        return fmt_number(value, ".0f")
    if unit == "ratio":
        return fmt_number(value, ".2f")
    text = fmt_number(value, ".1f")
    return f"{text} {unit}" if unit in ("/h", "h") and text != "n/a" else text


def _state(key: str, value: Any) -> str | None:
    cut = CUTOFFS.get(key)
    if cut is None or fmt_number(value) == "n/a":
        return None
    return "above" if float(value) > cut else "below"


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _is_index(key: str, value: Any) -> bool:
    if key in _NOT_INDICES or isinstance(value, bool) or not isinstance(value, int | float):
        return False
    return key in LABELS or key.endswith(("_index", "_count", "_h"))


def _in_words(definition: Any, option: Any) -> str:
    """A rule definition from summary.json without its leading option name (``time_in_bed: ``).

    summary.json keeps the name for programs; a reader of the report needs the words only.
    """
    text = str(definition or "")
    prefix = f"{option}: "
    return text.removeprefix(prefix) if isinstance(option, str) and option else text


def plmw_wake_text(night: NightView) -> str:
    """Which wake time the PLMW index counts and divides by, in words."""
    s = night.summary
    definition = s.get("plmw_wake_definition")
    if isinstance(definition, str) and definition:
        return f"Wake time of the PLMW index: {_in_words(definition, s.get('plmw_wake'))}"
    wake = s.get("plmw_wake")
    if isinstance(wake, str) and wake:
        return f"Wake time of the PLMW index: {wake.replace('_', ' ')}"
    if night.has_hypnogram:
        return "Wake time of the PLMW index: wake after sleep onset"
    return "No sleep stages: wake cannot be told from sleep"


def _cards(night: NightView) -> list[dict[str, Any]]:
    s = night.summary
    basis = "per hour of sleep" if night.has_hypnogram else "per hour of recording"
    if s.get("index_basis") == "accelerometer_sleep":
        basis = "per hour of sleep estimated from the accelerometers"
    cards = []
    for key in _CARD_KEYS:
        value = s.get(key)
        unit = unit_of(key)
        state = _state(key, value)
        cut = CUTOFFS.get(key)
        if state is not None and cut is not None:
            note = f"{'above' if state == 'above' else 'not above'} the adult cut-off of {cut:g}/h"
        elif key == "periodicity_index":
            option = night.rule_options.get("periodicity_index")
            note = _in_words(s.get("periodicity_definition"), option)
        elif key == "plmw_index":
            note = plmw_wake_text(night)
        else:
            note = basis if unit == "/h" else ""
        cards.append(
            {
                "label": LABELS.get(key, key),
                "value": format_value(value, unit),
                "note": note,
                "state": state,
            }
        )
    return cards


def _rows(night: NightView) -> list[dict[str, Any]]:
    s = night.summary
    keys = [k for k in MAIN_INDICES if k in s]
    keys += [k for k in LABELS if k in s and k not in keys]
    keys += [k for k, v in s.items() if k not in keys and _is_index(k, v)]
    rows = []
    for key in keys:
        value = s.get(key)
        unit = unit_of(key)
        cut = CUTOFFS.get(key)
        rows.append(
            {
                "label": LABELS.get(key, key.replace("_", " ")),
                "value": format_value(value, unit),
                "cutoff": f"> {cut:g}/h" if cut is not None else "",
                "state": _state(key, value),
                "note": plmw_wake_text(night) if key == "plmw_index" else "",
            }
        )
    return rows


def _small_tables(night: NightView) -> list[dict[str, Any]]:
    out = []
    for key, title in (
        ("plms_index_by_stage", "PLMS index by stage (/h of that stage)"),
        ("plms_index_by_leg", "PLMS index by leg (/h)"),
    ):
        by = night.summary.get(key)
        if isinstance(by, Mapping) and by:
            cells = [(str(k), format_value(v, "")) for k, v in by.items()]
            out.append({"title": title, "cells": cells})
    return out


def _source_rows(night: NightView) -> list[tuple[str, str]]:
    s = night.summary
    ch = _mapping(s.get("channels"))
    start = night.recording_start
    mode = s.get("mode", "detect")
    rows: list[tuple[str, str]] = [
        ("recording", str(s.get("source") or "(in memory)")),
        ("recording start", start.isoformat(sep=" ") if start else "unknown"),
        ("recording length", f"{night.recording_duration_s / 3600.0:.2f} h"),
        ("left leg channel", str(ch.get("left") or "none")),
        ("right leg channel", str(ch.get("right") or "none")),
        (
            "movements",
            "detected from the leg EMG"
            if mode == "detect"
            else f"scored from reference movements ({s.get('movements_source', '')})",
        ),
        (
            "hypnogram",
            str(s.get("hypnogram_source") or ("given" if night.has_hypnogram else "none")),
        ),
        ("events", str(s.get("events_source") or "none given")),
    ]
    excluded = _mapping(s.get("excluded_s"))
    if any(excluded.values()):
        for leg in ("left", "right"):
            rows.append(
                (f"excluded from detection ({leg})", f"{fmt_number(excluded.get(leg), '.0f')} s")
            )
    signal = s.get("leg_signal")
    if isinstance(signal, Mapping):
        for leg, d in signal.items():
            if not isinstance(d, Mapping):
                continue
            rows.append(
                (
                    f"resting EMG ({leg})",
                    f"median {fmt_number(d.get('resting_uv_median'))} µV, 95th percentile "
                    f"{fmt_number(d.get('resting_uv_p95'))} µV",
                )
            )
            notch = d.get("mains_notch_hz")
            if isinstance(notch, list) and notch:
                hz = ", ".join(fmt_number(f, "g") for f in notch)
                rows.append((f"mains interference ({leg})", f"{hz} Hz, notched out"))
    if night.origin != "scored in memory":
        rows.append(("read from", night.origin))
    return rows


#: How many twitch events the night report lists (the rest are in twitches.csv).
MAX_TWITCH_ROWS: Final[int] = 40


def _clock(night: NightView, t: float) -> str:
    if night.recording_start is None:
        return f"{t / 3600.0:.2f} h"
    from datetime import timedelta

    return (night.recording_start + timedelta(seconds=float(t))).strftime("%H:%M:%S")


def twitch_context(night: NightView) -> dict[str, Any] | None:
    """The other twitch kinds of the night: counts per kind with rule and source, the EFM
    verdict and the first events; None when they were not looked for."""
    from twitchscope.report.figures import TWITCH_STYLES

    block = _mapping(night.summary.get("twitches"))
    if not block and night.twitches is None:
        return None
    rows = []
    for kind, d in _mapping(block.get("kinds")).items():
        d = _mapping(d)
        label = TWITCH_STYLES.get(kind, (kind.replace("_", " "),))[0]
        assessed = bool(d.get("assessed", True))
        rows.append(
            {
                "kind": label,
                "count": fmt_number(d.get("count"), ".0f") if assessed else "not assessed",
                "rate": f"{fmt_number(d.get('per_hour'))}/h" if assessed else "",
                "rule": str(d.get("rule") or d.get("reason_not_assessed") or ""),
                "source": str(d.get("source") or ""),
            }
        )
    efm = _mapping(block.get("efm"))
    verdict = str(efm.get("verdict", "not assessed"))
    minutes = efm.get("minutes_meeting_rule")
    efm_text = f"Excessive fragmentary myoclonus: {verdict}" + (
        f" ({fmt_number(minutes, '.0f')} minutes of NREM sleep with at least 5 potentials per "
        "minute)"
        if minutes is not None
        else ""
    )
    events: list[dict[str, str]] = []
    more = 0
    ev = night.twitches
    if ev is not None and len(ev):
        head = ev.head(MAX_TWITCH_ROWS)
        more = len(ev) - len(head)
        for e in head.to_dict(orient="records"):
            kind = str(e.get("kind", ""))
            events.append(
                {
                    "kind": TWITCH_STYLES.get(kind, (kind.replace("_", " "),))[0],
                    "leg": str(e.get("leg", "")),
                    "at": _clock(night, float(e.get("onset", 0.0))),
                    "duration": fmt_number(e.get("duration"), ".1f"),
                    "stage": str(e.get("stage", "")),
                    "frequency": fmt_number(e.get("frequency_hz"), ".1f", missing=""),
                }
            )
    return {
        "basis": str(block.get("per_hour_basis") or ""),
        "rows": rows,
        "efm": efm_text,
        "events": events,
        "more": more,
        "warnings": [str(w) for w in block.get("warnings") or []],
    }


def staging_note(night: NightView) -> str:
    """A sentence on automatic sleep staging (empty when a person scored the stages)."""
    if not night.automatic_stages:
        return ""
    st = _mapping(night.summary.get("staging"))
    mean = fmt_number(st.get("confidence_mean"), ".2f")
    low = fmt_number(st.get("low_confidence_threshold"), "g")
    method = str(st.get("method") or "automatic sleep staging")
    return (
        f"Sleep stages were scored automatically ({method}); mean confidence {mean}. Ticks under "
        f"the hypnogram mark epochs with a confidence below {low}. A person's scoring is the "
        "standard: treat stage-dependent indices as estimates."
    )


def night_context(night: NightView) -> dict[str, Any]:
    """The values ``night.html`` and the night macros show, from a :class:`NightView`.

    Keys: ``cards``, ``basis``, ``cutoff_source``, ``rows`` (every index), ``main_rows`` (the
    main indices), ``small_tables``, ``warnings``,
    ``figures`` (``overview``, ``hourly``, ``imi``: SVG figures), ``source_rows``,
    ``rules_name``, ``rule_options``, ``plmw_wake``, ``twitches`` (other twitch kinds, or
    None), ``staging_note`` (automatic sleep stages), ``subtitle``. Text is left unescaped: the
    templates escape it.
    """
    from twitchscope.report import figures

    s = night.summary
    if s.get("index_basis") == "accelerometer_sleep":
        basis = (
            "Leg movements and sleep come from ankle accelerometers: indices are per hour of "
            f"sleep estimated from movement ({s.get('sleep_wake_method', '')}), not from EEG."
        )
    elif night.has_hypnogram:
        basis = "Indices are per hour of total sleep time from the hypnogram."
    else:
        basis = (
            "No hypnogram was given: indices are per hour of recording, not of sleep, and PLMS "
            "and PLMW cannot be told apart."
        )
    warnings = [str(w) for w in s.get("warnings") or []]
    rows = _rows(night)
    main_labels = {LABELS[k] for k in MAIN_INDICES}
    return {
        "cards": _cards(night),
        "basis": basis,
        "cutoff_source": CUTOFF_SOURCE,
        "rows": rows,
        "main_rows": [r for r in rows if r["label"] in main_labels],
        "small_tables": _small_tables(night),
        "warnings": warnings,
        "figures": {
            "overview": figures.night_overview(night),
            "hourly": figures.hourly_counts(night),
            "imi": figures.imi_histogram(night),
        },
        "source_rows": _source_rows(night),
        "rules_name": night.rules_name,
        "rule_options": [(str(k), str(v)) for k, v in night.rule_options.items()],
        "plmw_wake": plmw_wake_text(night),
        "twitches": twitch_context(night),
        "staging_note": staging_note(night),
        "subtitle": f"{s.get('source') or 'recording'} · rules {night.rules_name}",
    }


def render_night_report(night: NightView, *, page_size: str = "a4") -> str:
    """The complete self-contained HTML report of a night (from memory or an output folder)."""
    return render(REPORT_TEMPLATE, {"night": night_context(night)}, page_size=page_size)


def render_score_report(result: ScoreResult, *, page_size: str = "a4") -> str:
    """The complete self-contained HTML report of a scored night (``report.html``).

    Sections: headline indices against the clinical cut-off (ICSD-3), warnings, night overview
    (hypnogram, movements per leg, PLM series), interval histogram (log scale), counts by hour of
    the night and by clock hour, by-stage and by-leg indices, channels, rules. Figures are inline
    SVG; the page carries the disclaimer (on every printed page too).
    """
    return render_night_report(NightView.from_result(result), page_size=page_size)
