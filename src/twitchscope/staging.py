"""Automatic sleep staging of a PSG that has EEG (and EOG, chin EMG) but no hypnogram.

Uses YASA's pre-trained LightGBM staging classifiers (Vallat R, Walker MP, "An open-source,
high-performance tool for automated sleep staging", eLife 2021;10:e70092), which ship inside
the ``yasa`` wheel: nothing is downloaded at run time. Optional: ``pip install
'twitchscope[staging]'``.

The result is always marked automatic: :class:`AutoStaging` keeps the per-epoch confidence (the
classifier's probability of the chosen stage) and the stage probabilities, its hypnogram's
``source`` says ``automatic (YASA ...)``, and PLMS indices computed from it are labelled so
(``score --stage auto``).
"""

from __future__ import annotations

from dataclasses import dataclass
from os import PathLike
from pathlib import Path
from typing import Any, Final

import numpy as np
import numpy.typing as npt
import pandas as pd

from twitchscope.errors import ChannelError, InputFileError, MissingDependencyError
from twitchscope.hypnogram import Hypnogram

_YASA_TO_STAGE: Final[dict[str, str]] = {
    "WAKE": "W", "W": "W", "N1": "N1", "N2": "N2", "N3": "N3", "REM": "R", "R": "R",
    "ART": "UNS", "UNS": "UNS",
}  # fmt: skip
#: Epochs whose confidence is below this are counted as low-confidence in summaries.
LOW_CONFIDENCE: Final[float] = 0.5
EPOCH_S: Final[float] = 30.0


@dataclass(frozen=True)
class AutoStaging:
    """An automatic hypnogram with its per-epoch confidence.

    Attributes
    ----------
    hypnogram : Hypnogram (``source`` starts with ``automatic``).
    confidence : probability of the predicted stage, per epoch (0-1).
    proba : DataFrame, one column per stage ``W, N1, N2, N3, R``.
    channels : the EEG, EOG and EMG labels used (None where absent).
    model : the classifier's name; software : ``yasa <version>``.
    """

    hypnogram: Hypnogram
    confidence: npt.NDArray[np.float64]
    proba: pd.DataFrame
    channels: dict[str, str | None]
    model: str
    software: str

    def table(self) -> pd.DataFrame:
        """One row per epoch: ``onset``, ``duration``, ``stage``, ``confidence``, ``p_W`` ..."""
        hyp = self.hypnogram
        df = pd.DataFrame(
            {
                "onset": hyp.offset + np.arange(hyp.n_epochs) * hyp.epoch_length,
                "duration": hyp.epoch_length,
                "stage": list(hyp.stages),
                "confidence": np.round(self.confidence, 4),
            }
        )
        for c in self.proba.columns:
            df[f"p_{c}"] = np.round(self.proba[c].to_numpy(float), 4)
        return df

    def summary(self) -> dict[str, Any]:
        """JSON-ready description: method, model, channels, confidence statistics."""
        c = self.confidence
        return {
            "automatic": True,
            "method": "YASA automatic sleep staging (Vallat & Walker, eLife 2021;10:e70092)",
            "software": self.software,
            "model": self.model,
            "channels": dict(self.channels),
            "epochs": int(c.size),
            "confidence_mean": float(c.mean()) if c.size else None,
            "confidence_median": float(np.median(c)) if c.size else None,
            "low_confidence_share": float((c < LOW_CONFIDENCE).mean()) if c.size else None,
            "low_confidence_threshold": LOW_CONFIDENCE,
        }


def _require_yasa() -> Any:
    try:
        import yasa
    except ImportError:
        raise MissingDependencyError("yasa", "staging", "automatic sleep staging") from None
    return yasa


def stage_automatically(
    recording: str | PathLike[str],
    *,
    eeg: str | None = None,
    eog: str | None = None,
    emg: str | None = None,
    metadata: dict[str, Any] | None = None,
) -> AutoStaging:
    """Stage a PSG automatically with YASA's classifier.

    Parameters
    ----------
    recording : path-like
        An EDF/EDF+/BDF file with at least one EEG channel (C4-M1 or C3-M2 work best).
    eeg, eog, emg : str, optional
        Channel labels; by default found by role (``eeg``, ``eog``, ``chin``): the first EEG
        channel (central preferred), the first EOG channel and the chin EMG.
    metadata : dict, optional
        ``age`` (years) and ``male`` (bool), which YASA's classifiers can use.

    Returns
    -------
    AutoStaging

    Raises
    ------
    MissingDependencyError
        Without the ``staging`` extra.
    ChannelError, InputFileError
        No EEG channel, a channel sampled below 80 Hz, a recording shorter than 5 minutes.
    """
    yasa = _require_yasa()
    import mne

    from twitchscope.io.recording import open_recording

    path = Path(recording)
    with open_recording(path) as rec:
        roles = rec.roles()
        eeg_l = eeg or _pick(roles.get("eeg", []), ("C4", "C3", "CZ"))
        if eeg_l is None:
            raise ChannelError(
                path,
                "eeg",
                "automatic staging needs an EEG channel; none was found "
                f"(roles found: {sorted(roles) or 'none'}); name one with --eeg",
            )
        eog_l = eog or _pick(roles.get("eog", []), ("E1", "LOC", "E2", "ROC"))
        emg_l = emg or (roles.get("chin", [None]) or [None])[0]
        names = [n for n in (eeg_l, eog_l, emg_l) if n]
        sigs = rec.load_many(names)
    fs = {n: float(s.fs) for n, s in sigs.items()}
    for n, f in fs.items():
        if f < 80:
            raise ChannelError(path, n, f"sampled at {f:g} Hz; automatic staging needs >= 80 Hz")
    target = fs[eeg_l]
    n_min = min(int(s.data.shape[0] * target / fs[n]) for n, s in sigs.items())
    if n_min / target < 300:
        raise InputFileError(path, "is shorter than 5 minutes: too short to stage automatically")
    data = []
    for n in names:
        x = np.nan_to_num(np.asarray(sigs[n].data, dtype=np.float64))
        if fs[n] != target:  # bring every channel to the EEG's rate (whole-night linear interp.)
            t_src = np.arange(x.size) / fs[n]
            x = np.interp(np.arange(n_min) / target, t_src, x)
        data.append(x[:n_min] * 1e-6)  # µV -> V for mne
    types = ["eeg"] + (["eog"] if eog_l else []) + (["emg"] if emg_l else [])
    info = mne.create_info(names, target, ch_types=types, verbose=False)
    raw = mne.io.RawArray(np.vstack(data), info, verbose=False)
    import warnings

    try:
        with warnings.catch_warnings():
            # YASA's bundled classifier pickles a scikit-learn LabelEncoder of an older version
            warnings.filterwarnings("ignore", message=".*Trying to unpickle estimator.*")
            sls = yasa.SleepStaging(raw, eeg_name=eeg_l, eog_name=eog_l, emg_name=emg_l,
                                metadata=metadata)  # fmt: skip
            pred = sls.predict()
    except (AssertionError, ValueError) as exc:
        raise InputFileError(path, f"automatic staging failed: {exc}") from None
    values = [_YASA_TO_STAGE.get(str(v).upper(), "UNS") for v in pred.hypno.to_numpy()]
    proba = pred.proba.rename(columns=lambda c: _YASA_TO_STAGE.get(str(c).upper(), str(c)))
    proba = proba.reindex(columns=["W", "N1", "N2", "N3", "R"]).fillna(0.0).reset_index(drop=True)
    conf = proba.max(axis=1).to_numpy(float)
    model = "clf_" + "+".join(["eeg"] + (["eog"] if eog_l else []) + (["emg"] if emg_l else [])
                             + (["demo"] if metadata else [])) + "_lgb"  # fmt: skip
    hyp = Hypnogram(
        tuple(values), epoch_length=EPOCH_S,
        source=f"automatic (YASA {yasa.__version__}, {model}) from {path.name}",
    )  # fmt: skip
    return AutoStaging(hyp, conf, proba, {"eeg": eeg_l, "eog": eog_l, "emg": emg_l}, model,
                       f"yasa {yasa.__version__}")  # fmt: skip


def _pick(labels: list[str], prefer: tuple[str, ...]) -> str | None:
    for p in prefer:
        for lab in labels:
            if lab.upper().replace(" ", "").startswith(p):
                return lab
    return labels[0] if labels else None


def agreement(auto: Hypnogram, truth: Hypnogram) -> dict[str, float]:
    """Cohen's kappa and accuracy of two hypnograms over their common epochs (UNS dropped)."""
    a, b = auto.as_array(), truth.as_array()
    n = min(a.size, b.size)
    a, b = a[:n], b[:n]
    ok = (a != "UNS") & (b != "UNS")
    a, b = a[ok], b[ok]
    if a.size == 0:
        return {"kappa": float("nan"), "accuracy": float("nan"), "epochs": 0.0}
    code = {s: i for i, s in enumerate(("W", "N1", "N2", "N3", "R"))}
    ia = np.array([code[s] for s in a])
    ib = np.array([code[s] for s in b])
    cm = np.zeros((5, 5))
    np.add.at(cm, (ia, ib), 1)
    po = np.trace(cm) / cm.sum()
    pe = float((cm.sum(axis=0) * cm.sum(axis=1)).sum()) / cm.sum() ** 2
    kappa = (po - pe) / (1 - pe) if pe < 1 else float("nan")
    return {"kappa": float(kappa), "accuracy": float(po), "epochs": float(a.size)}


def mark_automatic(result: Any, auto: AutoStaging) -> Any:
    """``result`` (a :class:`~twitchscope.results.ScoreResult`) labelled as resting on an
    automatic hypnogram: ``staging`` set, ``indices["hypnogram_automatic"]`` true, and a first
    warning saying so with the classifier's confidence."""
    import dataclasses

    s = auto.summary()
    note = (
        f"sleep stages are AUTOMATIC ({s['method']}, {s['software']}; mean confidence "
        f"{s['confidence_mean']:.2f}, {100 * s['low_confidence_share']:.0f} % of epochs below "
        f"{s['low_confidence_threshold']:g}): the PLMS indices rest on an automatic hypnogram"
    )
    indices = dict(result.indices)
    indices["hypnogram_automatic"] = True
    return dataclasses.replace(
        result,
        staging=auto,
        indices=indices,
        warnings=[note, *result.warnings],
        hypnogram_source=auto.hypnogram.source,
    )
