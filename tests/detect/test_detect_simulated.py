"""Per-leg event F1 against the simulator's truth on short simulated nights."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from twitchscope.detect import detect_legs
from twitchscope.simulate import simulate_night


def _f1(pred: pd.DataFrame, ref: pd.DataFrame, iou_min: float = 0.2) -> float:
    """One-to-one matching at IoU >= iou_min (greedy by IoU), F1."""
    p0 = pred["onset"].to_numpy(float)
    p1 = p0 + pred["duration"].to_numpy(float)
    r0 = ref["onset"].to_numpy(float)
    r1 = r0 + ref["duration"].to_numpy(float)
    if p0.size == 0 or r0.size == 0:
        return 1.0 if p0.size == r0.size else 0.0
    inter = np.minimum(p1[:, None], r1[None, :]) - np.maximum(p0[:, None], r0[None, :])
    union = np.maximum(p1[:, None], r1[None, :]) - np.minimum(p0[:, None], r0[None, :])
    iou = np.where(inter > 0, inter / union, 0.0)
    pi, rj = np.nonzero(iou >= iou_min)
    order = np.argsort(-iou[pi, rj], kind="stable")
    used_p: set[int] = set()
    used_r: set[int] = set()
    for k in order:
        if pi[k] not in used_p and rj[k] not in used_r:
            used_p.add(int(pi[k]))
            used_r.add(int(rj[k]))
    tp = len(used_p)
    return 2 * tp / (p0.size + r0.size)


@pytest.mark.parametrize(("scenario", "seed"), [("rls", 5), ("noisy", 9), ("low_amplitude", 7)])
def test_short_simulated_night_f1(scenario: str, seed: int) -> None:
    night = simulate_night(scenario, seed, duration_h=0.3)
    dets = detect_legs(night.signals["Leg L"], night.signals["Leg R"], ecg=night.signals["ECG"])
    for det in dets:
        truth = night.movements[night.movements["leg"] == det.leg]
        assert len(truth) > 3
        assert _f1(det.movements, truth) >= 0.85, (scenario, det.leg)
        assert det.channel == ("Leg L" if det.leg == "left" else "Leg R")
        assert det.fs == night.signals["Leg L"].fs
