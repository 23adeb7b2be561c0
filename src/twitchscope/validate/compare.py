"""Event agreement between predicted and reference leg movements, per leg and overall."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from twitchscope.errors import TwitchscopeError, ValidationError
from twitchscope.validate.matching import Matches, match_by_iou, match_by_onset

LEGS: tuple[str, ...] = ("left", "right")


def normalise_movements(df: pd.DataFrame, source: str = "movements") -> pd.DataFrame:
    """Check a leg-movement table and return columns ``leg``, ``onset``, ``duration`` sorted.

    Raises
    ------
    TwitchscopeError
        When a column is missing, a leg is not ``left``/``right`` or a time is not finite.
    """
    missing = [c for c in ("leg", "onset", "duration") if c not in df.columns]
    if missing:
        raise TwitchscopeError(f"{source}: leg-movement table lacks column(s) {missing}")
    leg = df["leg"].astype(str).str.strip().str.lower()
    leg = leg.replace({"l": "left", "r": "right"})
    bad = sorted(set(leg) - set(LEGS))
    if bad:
        raise TwitchscopeError(f"{source}: leg must be 'left' or 'right', got {bad}")
    onset = pd.to_numeric(df["onset"], errors="coerce").to_numpy(dtype=float)
    duration = pd.to_numeric(df["duration"], errors="coerce").to_numpy(dtype=float)
    if np.any(~np.isfinite(onset)) or np.any(~np.isfinite(duration)) or np.any(duration < 0):
        raise TwitchscopeError(f"{source}: a movement has a non-finite onset or bad duration")
    out = pd.DataFrame({"leg": leg.to_numpy(dtype=object), "onset": onset, "duration": duration})
    return out.sort_values(["leg", "onset"], kind="stable").reset_index(drop=True)


def _prf(tp: int, n_pred: int, n_ref: int) -> dict[str, float]:
    precision = tp / n_pred if n_pred else (1.0 if n_ref == 0 else 0.0)
    recall = tp / n_ref if n_ref else (1.0 if n_pred == 0 else 0.0)
    f1 = 2 * tp / (n_pred + n_ref) if (n_pred + n_ref) else 1.0
    return {"precision": precision, "recall": recall, "f1": f1}


@dataclass(frozen=True)
class LegAgreement:
    """Agreement on one leg (or overall when ``leg == "all"``).

    Times in seconds. ``*_onset`` fields use the onset criterion; the others use IoU matching.
    Errors are absolute differences between matched pairs (NaN when nothing matched).
    """

    leg: str
    n_pred: int
    n_ref: int
    tp: int
    precision: float
    recall: float
    f1: float
    tp_onset: int
    precision_onset: float
    recall_onset: float
    f1_onset: float
    onset_error_mean_s: float
    onset_error_median_s: float
    offset_error_mean_s: float
    offset_error_median_s: float

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-friendly values (NaN becomes None)."""
        out: dict[str, Any] = {}
        for k, v in self.__dict__.items():
            out[k] = None if isinstance(v, float) and not np.isfinite(v) else v
        return out


def _errors(diff: np.ndarray) -> tuple[float, float]:
    if diff.size == 0:
        return float("nan"), float("nan")
    a = np.abs(diff)
    return float(np.mean(a)), float(np.median(a))


def _agreement(
    leg: str, n_pred: int, n_ref: int, tp: int, tp_on: int, on_err: np.ndarray, off_err: np.ndarray
) -> LegAgreement:
    iou = _prf(tp, n_pred, n_ref)
    on = _prf(tp_on, n_pred, n_ref)
    om, omed = _errors(on_err)
    fm, fmed = _errors(off_err)
    return LegAgreement(
        leg=leg,
        n_pred=n_pred,
        n_ref=n_ref,
        tp=tp,
        precision=iou["precision"],
        recall=iou["recall"],
        f1=iou["f1"],
        tp_onset=tp_on,
        precision_onset=on["precision"],
        recall_onset=on["recall"],
        f1_onset=on["f1"],
        onset_error_mean_s=om,
        onset_error_median_s=omed,
        offset_error_mean_s=fm,
        offset_error_median_s=fmed,
    )


@dataclass(frozen=True)
class ValidationResult:
    """Agreement of predicted with reference leg movements.

    Attributes
    ----------
    legs : dict of str to LegAgreement
        ``"left"``, ``"right"`` and ``"all"`` (counts pooled over both legs).
    iou, onset_tolerance : float
        The matching criteria used (IoU threshold; onset tolerance in s).
    matched : DataFrame
        One row per IoU-matched pair: leg, pred_onset, pred_duration, ref_onset, ref_duration, iou.
    index_agreement : dict
        PLMS index of each side and their difference, when both sides could be scored (else
        empty).
    warnings : list of str
    predicted, reference : str
        Where each side's movements came from (file or directory), when read from files.
    """

    legs: dict[str, LegAgreement]
    iou: float
    onset_tolerance: float
    matched: pd.DataFrame
    index_agreement: dict[str, Any] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    predicted: str = ""
    reference: str = ""

    def summary(self) -> pd.DataFrame:
        """One row per leg (left, right, all) with counts, P/R/F1 and onset/offset errors."""
        return pd.DataFrame([a.to_dict() for a in self.legs.values()]).set_index("leg")

    def to_dict(self) -> dict[str, Any]:
        """Everything as JSON-friendly values."""
        out: dict[str, Any] = {
            "criteria": {"iou": self.iou, "onset_tolerance_s": self.onset_tolerance},
            "legs": {k: v.to_dict() for k, v in self.legs.items()},
            "index_agreement": self.index_agreement,
            "warnings": list(self.warnings),
        }
        if self.predicted or self.reference:
            out["predicted"] = self.predicted
            out["reference"] = self.reference
        return out


def compare_movements(
    pred: pd.DataFrame,
    ref: pd.DataFrame,
    iou: float = 0.2,
    onset_tolerance: float = 0.5,
) -> ValidationResult:
    """Per-leg one-to-one agreement of predicted with reference leg movements.

    Parameters
    ----------
    pred, ref : DataFrame
        Leg-movement tables with columns ``leg`` (``left``/``right``), ``onset`` and
        ``duration`` in seconds.
    iou : float
        A predicted and a reference movement match when their intersection over union is at
        least this (WASM-style event agreement uses 0.2). Assignment maximises total IoU.
    onset_tolerance : float
        Second criterion: onsets at most this many seconds apart.

    Returns
    -------
    ValidationResult
        Precision, recall, F1 per leg and pooled, onset and offset errors in seconds.
    """
    if not 0 < iou <= 1:
        raise ValidationError("iou", f"must be in (0, 1], got {iou}")
    if not onset_tolerance > 0:
        raise ValidationError("onset_tolerance", f"must be > 0 s, got {onset_tolerance}")
    p = normalise_movements(pred, "predicted")
    r = normalise_movements(ref, "reference")
    legs: dict[str, LegAgreement] = {}
    rows: list[pd.DataFrame] = []
    tot = {"n_pred": 0, "n_ref": 0, "tp": 0, "tp_on": 0}
    on_all: list[np.ndarray] = []
    off_all: list[np.ndarray] = []
    for leg in LEGS:
        pl = p[p["leg"] == leg]
        rl = r[r["leg"] == leg]
        po, pd_ = pl["onset"].to_numpy(), pl["duration"].to_numpy()
        ro, rd = rl["onset"].to_numpy(), rl["duration"].to_numpy()
        m: Matches = match_by_iou(po, pd_, ro, rd, iou)
        mo = match_by_onset(po, ro, onset_tolerance)
        on_err = po[m.pred] - ro[m.ref]
        off_err = (po[m.pred] + pd_[m.pred]) - (ro[m.ref] + rd[m.ref])
        legs[leg] = _agreement(leg, po.size, ro.size, m.n, mo.n, on_err, off_err)
        on_all.append(on_err)
        off_all.append(off_err)
        tot["n_pred"] += po.size
        tot["n_ref"] += ro.size
        tot["tp"] += m.n
        tot["tp_on"] += mo.n
        inter = np.minimum(po[m.pred] + pd_[m.pred], ro[m.ref] + rd[m.ref]) - np.maximum(
            po[m.pred], ro[m.ref]
        )
        union = np.maximum(po[m.pred] + pd_[m.pred], ro[m.ref] + rd[m.ref]) - np.minimum(
            po[m.pred], ro[m.ref]
        )
        rows.append(
            pd.DataFrame(
                {
                    "leg": leg,
                    "pred_onset": po[m.pred],
                    "pred_duration": pd_[m.pred],
                    "ref_onset": ro[m.ref],
                    "ref_duration": rd[m.ref],
                    "iou": inter / np.where(union > 0, union, 1.0),
                }
            )
        )
    legs["all"] = _agreement(
        "all",
        tot["n_pred"],
        tot["n_ref"],
        tot["tp"],
        tot["tp_on"],
        np.concatenate(on_all),
        np.concatenate(off_all),
    )
    warnings: list[str] = []
    if tot["n_ref"] == 0:
        warnings.append("the reference holds no leg movements; recall and F1 are not informative")
    return ValidationResult(
        legs=legs,
        iou=iou,
        onset_tolerance=onset_tolerance,
        matched=pd.concat(rows, ignore_index=True),
        warnings=warnings,
    )
