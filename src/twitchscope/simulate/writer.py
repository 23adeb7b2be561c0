"""Write a :class:`~twitchscope.simulate.night.SimulatedNight` as EDF+C/BDF+C with truth files.

The recording carries the hypnogram (``Sleep stage W/N1/N2/N3/R``, one 30 s annotation per
epoch) and the scored events (``Obstructive Apnea``, ``Central Apnea``, ``Hypopnea``,
``Arousal``, with durations) as EDF+ annotations. The true leg movements are *not* annotated:
detection must find them. Beside the recording, for ``night.edf``:

- ``night.truth.json``: scenario, seed, software version, every parameter and drawn value, counts
- ``night.truth_movements.csv``: ``leg,onset,duration,amplitude_uv,kind,fragmented,series,arousal``
- ``night.truth_hypnogram.csv``: ``onset,duration,stage`` (one row per epoch)
- ``night.truth_events.csv``: ``onset,duration,kind,leg,label``
- ``night.truth_artefacts.csv``: ``channel,onset,duration,kind,level``
- ``night.truth_twitches.csv``: other twitch kinds, when injected (``kind,leg,onset,duration,...``)
- ``night.truth_other.csv``: ``leg,onset,duration,amplitude_uv,kind,shape``: activity in the
  leg EMG that is *not* a leg movement (twitches < 0.5 s, effort bursts, tonic rises)

A night with recording pauses (``night.recording_gaps``) is written as EDF+D/BDF+D
(:mod:`twitchscope.simulate.edf_d`): no data records in the pauses.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd

from twitchscope.errors import InputFileError, ValidationError
from twitchscope.simulate.check import approx_plms_index

if TYPE_CHECKING:
    from twitchscope.simulate.night import SimulatedNight


@dataclass(frozen=True)
class SimulationFiles:
    """Paths written by :func:`write_night`."""

    recording: Path
    truth_json: Path
    truth_movements: Path
    truth_hypnogram: Path
    truth_events: Path
    truth_artefacts: Path
    truth_twitches: Path
    truth_other: Path

    def all(self) -> tuple[Path, ...]:
        """Every path always written, recording first (``truth_twitches`` only with injected
        twitch kinds)."""
        return (
            self.recording,
            self.truth_json,
            self.truth_movements,
            self.truth_hypnogram,
            self.truth_events,
            self.truth_artefacts,
            self.truth_other,
        )


def truth_paths(path: str | Path) -> SimulationFiles:
    """The paths :func:`write_night` uses for recording ``path``."""
    p = Path(path)
    stem = p.parent / p.stem
    return SimulationFiles(
        recording=p,
        truth_json=Path(f"{stem}.truth.json"),
        truth_movements=Path(f"{stem}.truth_movements.csv"),
        truth_hypnogram=Path(f"{stem}.truth_hypnogram.csv"),
        truth_events=Path(f"{stem}.truth_events.csv"),
        truth_artefacts=Path(f"{stem}.truth_artefacts.csv"),
        truth_twitches=Path(f"{stem}.truth_twitches.csv"),
        truth_other=Path(f"{stem}.truth_other.csv"),
    )


def _annotations(night: SimulatedNight) -> list[Any]:
    from edfio import EdfAnnotation

    hyp = night.hypnogram
    out = [
        EdfAnnotation(hyp.offset + i * hyp.epoch_length, hyp.epoch_length, f"Sleep stage {s}")
        for i, s in enumerate(hyp.stages)
    ]
    ev = night.events
    out += [
        EdfAnnotation(round(float(o), 3), round(float(d), 3), str(lb))
        for o, d, lb in zip(ev["onset"], ev["duration"], ev["label"], strict=True)
    ]
    return sorted(out, key=lambda a: a.onset)


def summary(night: SimulatedNight) -> dict[str, Any]:
    """Counts and key figures of the truth (also stored in ``truth.json``)."""
    mov, ev = night.movements, night.events
    hyp = night.hypnogram
    tst_h = hyp.total_sleep_time / 3600.0
    resp = ev[ev["kind"].isin(["obstructive_apnea", "central_apnea", "hypopnea"])]
    by_stage = hyp.duration_by_stage()
    return {
        "duration_s": night.duration,
        "total_sleep_time_h": tst_h,
        "stage_minutes": {k: v / 60.0 for k, v in by_stage.items() if k != "UNS"},
        "lm_count": {leg: int((mov["leg"] == leg).sum()) for leg in ("left", "right")},
        "lm_by_kind": {str(k): int(v) for k, v in mov["kind"].value_counts().sort_index().items()},
        "lm_fragmented": int(mov["fragmented"].sum()),
        "lm_over_10s": int((mov["duration"] > 10.0).sum()),
        "respiratory_events": {
            str(k): int(v) for k, v in resp["kind"].value_counts().sort_index().items()
        },
        "ahi": len(resp) / tst_h if tst_h > 0 else 0.0,
        "arousals": int((ev["kind"] == "arousal").sum()),
        "artefacts": {
            str(k): int(v) for k, v in night.artefacts["kind"].value_counts().sort_index().items()
        },
        "approx_plms_index": approx_plms_index(mov, hyp.as_array()),
        "approx_plms_index_note": "simple WASM-2016-like rules applied to the truth "
        "(twitchscope.simulate.check), not the official scorer",
    }


def write_night(
    night: SimulatedNight, path: str | Path, format: Literal["edf", "bdf"] = "edf"
) -> SimulationFiles:
    """Write the recording and its truth files.

    Parameters
    ----------
    night : SimulatedNight
    path : str or Path
        The recording's path (``.edf`` or ``.bdf``); its folder must exist.
    format : ``"edf"`` or ``"bdf"``
        EDF+C (16 bit) or BDF+C (24 bit).

    Returns
    -------
    SimulationFiles
        Every path written.
    """
    from edfio import Bdf, BdfSignal, Edf, EdfSignal, Patient, Recording

    from twitchscope._version import __version__
    from twitchscope.simulate.signals import CHANNELS

    if format not in ("edf", "bdf"):
        raise ValidationError("format", f"must be 'edf' or 'bdf', got {format!r}")
    if not night.signals:
        raise ValidationError(
            "with_signals", "the night was simulated without signals; there is nothing to write"
        )
    files = truth_paths(path)
    if not files.recording.parent.is_dir():
        raise InputFileError(files.recording, "its folder does not exist")
    sig_cls = EdfSignal if format == "edf" else BdfSignal
    sigs: list[Any] = []
    for label, s in night.signals.items() if not len(night.recording_gaps) else ():
        spec = CHANNELS[label]
        sigs.append(
            sig_cls(
                np.asarray(s.data, dtype=np.float64),
                s.fs,
                label=label,
                transducer_type=spec.transducer,
                physical_dimension=spec.unit,
                physical_range=(spec.physical_min, spec.physical_max),
                prefiltering="",
            )
        )
    sc = night.scenario
    kwargs: dict[str, Any] = {
        "patient": Patient(code=f"SIM-{sc.name}-{night.seed}".replace("_", "-")),
        "recording": Recording(
            startdate=night.start.date(),
            hospital_administration_code=f"twitchscope-{__version__}",
            equipment_code="twitchscope-simulator",
        ),
        "starttime": night.start.time(),
        "annotations": _annotations(night),
    }
    if len(night.recording_gaps):
        from twitchscope.simulate.edf_d import write_discontinuous

        write_discontinuous(
            files.recording,
            list(night.signals.values()),
            [
                (CHANNELS[lb].unit, CHANNELS[lb].physical_min, CHANNELS[lb].physical_max,
                 CHANNELS[lb].transducer)
                for lb in night.signals
            ],
            night.start,
            [(a.onset, a.duration, a.text) for a in kwargs["annotations"]],
            patient=f"SIM-{sc.name}-{night.seed}".replace("_", "-") + " X X X",
            recording=f"Startdate {night.start.strftime('%d-%b-%Y').upper()} X "
            f"twitchscope-{__version__} twitchscope-simulator",
            bdf=format == "bdf",
        )  # fmt: skip
    else:
        rec = Edf(sigs, **kwargs) if format == "edf" else Bdf(sigs, **kwargs)
        rec.write(files.recording)

    night.movements.to_csv(files.truth_movements, index=False, float_format="%.4f")
    hyp = night.hypnogram
    pd.DataFrame(
        {
            "onset": hyp.offset + np.arange(hyp.n_epochs) * hyp.epoch_length,
            "duration": hyp.epoch_length,
            "stage": list(hyp.stages),
        }
    ).to_csv(files.truth_hypnogram, index=False)
    night.events.to_csv(files.truth_events, index=False, float_format="%.4f")
    night.artefacts.to_csv(files.truth_artefacts, index=False, float_format="%.4f")
    if night.twitches is not None:  # injected twitch kinds (simulate.twitch_kinds)
        night.twitches.to_csv(files.truth_twitches, index=False, float_format="%.4f")
    night.other_activity.to_csv(files.truth_other, index=False, float_format="%.4f")
    truth = {
        "software": "twitchscope",
        "version": __version__,
        "scenario": sc.name,
        "seed": night.seed,
        "start": night.start.isoformat(),
        "format": format + ("+D" if len(night.recording_gaps) else "+C"),
        "recording_gaps": [
            {"onset": float(o), "duration": float(d)}
            for o, d in zip(
                night.recording_gaps["onset"], night.recording_gaps["duration"], strict=True
            )
        ],
        "recording": files.recording.name,
        "channels": {
            label: {"fs": s.fs, "unit": s.unit, "role": s.role}
            for label, s in night.signals.items()
        },
        "scenario_parameters": sc.to_dict(),
        "drawn": night.params,
        "counts": summary(night),
        "files": {
            k: v.name
            for k, v in vars(files).items()
            if k != "truth_twitches" or night.twitches is not None
        },
        "notes": [
            "amplitude_uv: peak of the burst's RMS envelope above the resting RMS level (µV)",
            "leg EMG carrier band 15-90 Hz; rest RMS drifts and steps at posture changes",
            "LMs hidden by a disconnected/clipped stretch of their leg are not in the truth",
            "truth leg movements are not written into the EDF annotations",
            "truth_other.csv: leg EMG activity that is not a leg movement (each burst < 0.5 s "
            "and >= 0.7 s from other activity of its leg; tonic rises < 5 µV in amplitude)",
        ],
    }
    files.truth_json.write_text(json.dumps(truth, indent=2, default=float) + "\n")
    return files
