"""Event agreement worked by hand on small tables."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from twitchscope.errors import TwitchscopeError, ValidationError
from twitchscope.validate import compare_movements, load_movements, match_by_iou, match_by_onset


def table(rows: list[tuple[str, float, float]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["leg", "onset", "duration"])


REF = table(
    [
        ("left", 10.0, 2.0),
        ("left", 40.0, 1.0),
        ("left", 70.0, 3.0),
        ("right", 12.0, 1.0),
        ("right", 100.0, 2.0),
    ]
)


def test_perfect_match_gives_f1_one_and_zero_error() -> None:
    res = compare_movements(REF, REF.sample(frac=1.0, random_state=1))
    s = res.summary()
    assert list(s.index) == ["left", "right", "all"]
    assert (s["f1"] == 1.0).all()
    assert (s["f1_onset"] == 1.0).all()
    assert s.loc["all", "tp"] == 5
    assert s.loc["all", "onset_error_mean_s"] == 0.0
    assert s.loc["all", "offset_error_median_s"] == 0.0


def test_shifted_extra_and_missing_events_hand_computed() -> None:
    pred = table(
        [
            ("left", 10.3, 2.0),  # IoU 1.7/2.3 = 0.739, onset +0.3 s: matches both ways
            ("left", 41.0, 1.0),  # touches ref 40-41 only at a point: IoU 0, onset 1.0 s: miss
            ("left", 200.0, 1.0),  # extra
            ("right", 12.0, 1.0),  # exact
            # right 100 s is missed
        ]
    )
    res = compare_movements(pred, REF)
    left = res.legs["left"]
    assert (left.n_pred, left.n_ref, left.tp) == (3, 3, 1)
    assert left.precision == pytest.approx(1 / 3)
    assert left.recall == pytest.approx(1 / 3)
    assert left.f1 == pytest.approx(1 / 3)
    assert left.onset_error_mean_s == pytest.approx(0.3)
    assert left.offset_error_mean_s == pytest.approx(0.3)
    right = res.legs["right"]
    assert (right.tp, right.precision, right.recall) == (1, 1.0, 0.5)
    assert right.f1 == pytest.approx(2 / 3)
    overall = res.legs["all"]
    # pooled: tp 2, 4 predicted, 5 reference -> P 0.5, R 0.4, F1 4/9
    assert overall.precision == pytest.approx(0.5)
    assert overall.recall == pytest.approx(0.4)
    assert overall.f1 == pytest.approx(4 / 9)
    assert overall.tp_onset == 2
    assert len(res.matched) == 2


def test_iou_threshold_edge() -> None:
    ref = table([("left", 0.0, 10.0)])
    # IoU of [8, 10] with [0, 10] is 0.2 exactly: a match at 0.2, none at 0.25
    pred = table([("left", 8.0, 2.0)])
    assert compare_movements(pred, ref, iou=0.2).legs["left"].tp == 1
    assert compare_movements(pred, ref, iou=0.25).legs["left"].tp == 0
    # onset criterion: 8 s apart, no match
    assert compare_movements(pred, ref).legs["left"].tp_onset == 0


def test_one_to_one_assignment_prefers_the_globally_best_pairing() -> None:
    # Two preds both overlapping ref A; the greedy choice of A for the first would leave B
    # without a match. Hungarian on IoU gives two matches.
    ref_on = np.array([0.0, 2.0])
    ref_du = np.array([2.0, 2.0])
    pred_on = np.array([0.5, 1.5])
    pred_du = np.array([2.0, 2.0])
    m = match_by_iou(pred_on, pred_du, ref_on, ref_du, 0.2)
    assert m.n == 2
    assert sorted(zip(m.pred.tolist(), m.ref.tolist(), strict=True)) == [(0, 0), (1, 1)]


def test_onset_matching_maximises_count() -> None:
    ref = np.array([0.0, 0.6])
    pred = np.array([0.3, 0.9])
    # pred 0.3 is 0.3 from both refs; only pairing (0.3->0.0, 0.9->0.6) matches both
    m = match_by_onset(pred, ref, 0.5)
    assert m.n == 2
    assert set(zip(m.pred.tolist(), m.ref.tolist(), strict=True)) == {(0, 0), (1, 1)}


def test_empty_sides() -> None:
    empty = table([])
    res = compare_movements(empty, REF)
    assert res.legs["all"].recall == 0.0 and res.legs["all"].tp == 0
    res2 = compare_movements(empty, empty)
    assert res2.legs["all"].f1 == 1.0
    assert res2.warnings


def test_bad_tables_and_options() -> None:
    with pytest.raises(TwitchscopeError, match="lacks column"):
        compare_movements(pd.DataFrame({"onset": [1.0]}), REF)
    with pytest.raises(TwitchscopeError, match="leg must be"):
        compare_movements(table([("middle", 1.0, 1.0)]), REF)
    with pytest.raises(ValidationError, match="iou"):
        compare_movements(REF, REF, iou=0.0)


def test_many_events_stay_fast_and_exact() -> None:
    rng = np.random.default_rng(0)
    on = np.cumsum(rng.uniform(3, 60, 3000))
    du = rng.uniform(0.5, 5, on.size)
    ref = pd.DataFrame({"leg": "left", "onset": on, "duration": du})
    pred = ref.assign(onset=ref["onset"] + rng.normal(0, 0.1, on.size))
    res = compare_movements(pred, ref)
    assert res.legs["left"].tp == on.size


def test_load_movements_from_csv_and_directory(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    REF.assign(amplitude_uv=20.0, stage="N2").to_csv(out / "leg_movements.csv", index=False)
    a = load_movements(out)
    b = load_movements(out / "leg_movements.csv")
    pd.testing.assert_frame_equal(a, b)
    assert len(a) == 5 and set(a.columns) == {"leg", "onset", "duration"}
    with pytest.raises(TwitchscopeError, match=r"no leg_movements\.csv"):
        load_movements(tmp_path)
