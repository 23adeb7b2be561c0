"""Agreement over a whole scored dataset: a folder of recordings and their annotation files.

>>> from twitchscope.validate.dataset import validate_dataset
>>> result = validate_dataset("cap-sleep-database/", rules="wasm2016")
>>> result.summary()   # one row per night, then the pooled row

Each recording (``.edf``, ``.bdf``, ``.rec``) is paired with the annotation file of the same
night (:func:`find_pairs`), twitchscope detects the leg movements of the recording, and they are
compared with the annotation's scored leg movements by
:func:`twitchscope.validate.run_validation` (what ``twitchscope validate`` runs for one night):
per-leg event precision, recall and F1, onset and offset errors, and the indices of both sides
scored with the same rules, stages and events. Over the dataset, event counts are pooled
(micro-averaged F1) and index agreement is summarised as mean difference (bias), mean absolute
error and ICC(2,1) (Shrout & Fleiss 1979) over nights.

Annotation formats are those of :func:`twitchscope.io.annotations.read_annotations`: CAP Sleep
Database ``.txt`` (clock times aligned to the EDF's start), DREAMS ``.txt``, NSRR XML (MrOS,
MESA, SHHS, CFS, ...), Compumedics Profusion XML, EDF+ annotation files, BIDS ``events.tsv``.
A night that cannot be read or holds no per-leg scored movement is listed with its reason and
left out of the pooled figures; nothing is dropped silently.
"""

from __future__ import annotations

import math
import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from os import PathLike
from pathlib import Path
from typing import Any, Final

import numpy as np
import pandas as pd

from twitchscope.errors import InputFileError, TwitchscopeError
from twitchscope.io.file_kinds import RECORDING_SUFFIXES
from twitchscope.scoring.rules import RuleSet, get_rules
from twitchscope.validate.compare import LegAgreement, ValidationResult, _agreement

#: Suffixes of annotation files (an ``.edf`` annotation file is named ``*-Hypnogram.edf``,
#: ``*_annotations.edf`` or ``*-annot*.edf``).
ANNOTATION_SUFFIXES: Final[frozenset[str]] = frozenset({".txt", ".xml", ".tsv", ".csv"})
_EDF_ANNOTATION = re.compile(r"(hypnogram|annotation|annot|scoring)", re.IGNORECASE)
#: Preference among several annotation files of one night (lower first): NSRR's harmonised
#: XML before the Profusion original, scorings before hypnogram-only files.
_PREFERENCE: Final[tuple[tuple[str, int], ...]] = (
    ("-nsrr.xml", 0),
    (".xml", 1),
    (".txt", 2),
    (".truth_movements.csv", 3),
    (".tsv", 4),
    (".csv", 5),
    (".edf", 6),
)
#: Truth files of ``twitchscope simulate`` that are annotations of the night (the others,
#: artefacts and non-LM activity, are not).
_SIMULATOR_ANNOTATIONS: Final[tuple[str, ...]] = (
    ".truth_movements.csv",
    ".truth_hypnogram.csv",
    ".truth_events.csv",
)
PER_NIGHT_COLUMNS: Final[tuple[str, ...]] = (
    "night", "n_pred", "n_ref", "tp", "precision", "recall", "f1", "f1_left", "f1_right",
    "onset_error_median_s", "offset_error_median_s", "plms_index_pred", "plms_index_ref",
    "plms_index_diff", "status",
)  # fmt: skip


@dataclass(frozen=True)
class NightPair:
    """A recording, the annotation file scored on it, and the night's other annotation files.

    ``others`` are read too when ``annotation`` lacks something: DREAMS keeps the hypnogram and
    the scored events in separate files.
    """

    name: str
    recording: Path
    annotation: Path
    others: tuple[Path, ...] = ()


@dataclass(frozen=True)
class NightResult:
    """One night's agreement, or why it could not be compared (``error``)."""

    pair: NightPair
    result: ValidationResult | None = None
    error: str = ""

    @property
    def ok(self) -> bool:
        """True when the night was compared."""
        return self.result is not None


@dataclass(frozen=True)
class DatasetValidation:
    """Agreement of twitchscope with the scored leg movements of a dataset.

    Attributes
    ----------
    nights : list of NightResult
        Every paired night, compared or not (with the reason).
    unpaired : list of Path
        Recordings without an annotation file (not compared).
    pooled : dict of str to LegAgreement
        ``left``, ``right`` and ``all``: counts pooled over the compared nights (micro-averaged
        precision, recall and F1) and onset/offset errors over every matched pair.
    index_agreement : dict
        Per index (``plms_index``, ``plmw_index``, ``lm_index``): nights, mean of each side,
        mean difference (predicted minus reference), MAE and ICC(2,1) over nights.
    rules : str
        The rule preset used for detection and both sides' indices.
    """

    nights: list[NightResult]
    unpaired: list[Path]
    pooled: dict[str, LegAgreement]
    index_agreement: dict[str, dict[str, float]]
    rules: str
    iou: float
    onset_tolerance: float
    warnings: list[str] = field(default_factory=list)

    @property
    def compared(self) -> list[NightResult]:
        """The nights that were compared."""
        return [n for n in self.nights if n.ok]

    def summary(self) -> pd.DataFrame:
        """One row per night (columns :data:`PER_NIGHT_COLUMNS`), then a ``pooled`` row."""
        rows: list[dict[str, Any]] = []
        for night in self.nights:
            row: dict[str, Any] = {c: np.nan for c in PER_NIGHT_COLUMNS}
            row["night"] = night.pair.name
            if night.result is None:
                row["status"] = night.error
            else:
                a = night.result.legs["all"]
                row.update(
                    n_pred=a.n_pred, n_ref=a.n_ref, tp=a.tp, precision=a.precision,
                    recall=a.recall, f1=a.f1, f1_left=night.result.legs["left"].f1,
                    f1_right=night.result.legs["right"].f1,
                    onset_error_median_s=a.onset_error_median_s,
                    offset_error_median_s=a.offset_error_median_s, status="ok",
                )  # fmt: skip
                plms = night.result.index_agreement.get("plms_index")
                if isinstance(plms, dict):
                    row["plms_index_pred"] = plms.get("predicted")
                    row["plms_index_ref"] = plms.get("reference")
                    row["plms_index_diff"] = plms.get("difference")
            rows.append(row)
        a = self.pooled["all"]
        pooled: dict[str, Any] = dict.fromkeys(PER_NIGHT_COLUMNS, np.nan)
        pooled.update(
            night="pooled", n_pred=a.n_pred, n_ref=a.n_ref, tp=a.tp, precision=a.precision,
            recall=a.recall, f1=a.f1, f1_left=self.pooled["left"].f1,
            f1_right=self.pooled["right"].f1, onset_error_median_s=a.onset_error_median_s,
            offset_error_median_s=a.offset_error_median_s,
            status=f"{len(self.compared)} of {len(self.nights)} nights",
        )  # fmt: skip
        plms = self.index_agreement.get("plms_index", {})
        pooled["plms_index_pred"] = plms.get("mean_predicted", np.nan)
        pooled["plms_index_ref"] = plms.get("mean_reference", np.nan)
        pooled["plms_index_diff"] = plms.get("mean_difference", np.nan)
        rows.append(pooled)
        return pd.DataFrame(rows, columns=list(PER_NIGHT_COLUMNS))

    def to_dict(self) -> dict[str, Any]:
        """Everything as JSON-ready values (NaN becomes None)."""
        from twitchscope.jsonsafe import json_safe

        return json_safe(
            {
                "rules": self.rules,
                "criteria": {"iou": self.iou, "onset_tolerance_s": self.onset_tolerance},
                "nights": [
                    {
                        "night": n.pair.name,
                        "recording": str(n.pair.recording),
                        "annotation": str(n.pair.annotation),
                        "status": "ok" if n.ok else n.error,
                        **({"agreement": n.result.to_dict()} if n.result is not None else {}),
                    }
                    for n in self.nights
                ],
                "unpaired_recordings": [str(p) for p in self.unpaired],
                "pooled": {k: v.to_dict() for k, v in self.pooled.items()},
                "index_agreement": self.index_agreement,
                "warnings": list(self.warnings),
            }
        )


def _rank(path: Path) -> int:
    name = path.name.lower()
    return next((r for suffix, r in _PREFERENCE if name.endswith(suffix)), 9)


def _is_annotation_file(path: Path) -> bool:
    name = path.name.lower()
    if ".truth_" in name:
        return name.endswith(_SIMULATOR_ANNOTATIONS)
    suffix = path.suffix.lower()
    if suffix in ANNOTATION_SUFFIXES:
        return True
    return suffix in RECORDING_SUFFIXES and bool(_EDF_ANNOTATION.search(path.stem))


def _belongs(stem: str, candidate: Path) -> bool:
    """Whether an annotation file's name names the recording ``stem`` as a whole token."""
    name = candidate.name.lower()
    s = stem.lower()
    pattern = rf"(^|[^a-z0-9]){re.escape(s)}($|[^a-z0-9])"
    return re.search(pattern, name) is not None


def find_pairs(folder: str | PathLike[str]) -> tuple[list[NightPair], list[Path]]:
    """Pair every recording in ``folder`` (and its sub-folders) with its annotation file.

    An annotation file belongs to a recording when its name holds the recording's file stem as
    a whole token, e.g. ``n1.edf`` with ``n1.txt`` (CAP), ``mesa-sleep-0001.edf`` with
    ``mesa-sleep-0001-nsrr.xml`` (NSRR), ``subject1.edf`` with ``HypnogramAASM_subject1.txt``
    (DREAMS), ``night.edf`` with ``night.truth_movements.csv`` (``twitchscope simulate``). With
    several candidates the NSRR XML is preferred, then other XML, then text, then tables; the
    others are kept to supply what the first lacks (stages, events). Stems shared by several
    recordings pair with the longest stem only.

    Returns
    -------
    (pairs, unpaired)
        The pairs, sorted by name, and the recordings without an annotation file.

    Raises
    ------
    InputFileError
        When ``folder`` is not a folder or holds no recording.
    """
    root = Path(folder)
    if not root.is_dir():
        raise InputFileError(root, "is not a folder")
    files = sorted(p for p in root.rglob("*") if p.is_file())
    recordings = [
        p for p in files if p.suffix.lower() in RECORDING_SUFFIXES and not _is_annotation_file(p)
    ]
    if not recordings:
        raise InputFileError(
            root, "holds no recording (.edf, .bdf or .rec files, searched in sub-folders too)"
        )
    annotations = [p for p in files if _is_annotation_file(p) and p not in recordings]
    pairs: list[NightPair] = []
    unpaired: list[Path] = []
    stems = sorted({r.stem for r in recordings}, key=len, reverse=True)
    for rec in recordings:
        cands = [a for a in annotations if a.parent == rec.parent and _belongs(rec.stem, a)]
        # an annotation naming a longer recording stem belongs to that recording
        longer = [s for s in stems if len(s) > len(rec.stem) and rec.stem in s]
        cands = [a for a in cands if not any(_belongs(s, a) for s in longer)]
        if not cands:
            unpaired.append(rec)
            continue
        ranked = sorted(cands, key=lambda a: (_rank(a), len(a.name), a.name))
        name = str(rec.relative_to(root).with_suffix(""))
        pairs.append(NightPair(name, rec, ranked[0], tuple(ranked[1:])))
    return sorted(pairs, key=lambda p: p.name), unpaired


def compare_night(
    pair: NightPair,
    rules: RuleSet,
    *,
    iou: float = 0.2,
    onset_tolerance: float = 0.5,
    left: str | None = None,
    right: str | None = None,
) -> ValidationResult:
    """Detect the leg movements of one recording and compare them with its annotation file.

    Raises
    ------
    TwitchscopeError
        Unreadable recording or annotation, or an annotation with no per-leg movement.
    """
    from twitchscope.api import detect_movements
    from twitchscope.io.annotations import read_annotations
    from twitchscope.prepare import prepare
    from twitchscope.validate.run import run_validation

    inputs = prepare(pair.recording, left=left, right=right)
    read: list[Any] = []
    notes: list[str] = []
    for i, path in enumerate((pair.annotation, *pair.others)):
        try:
            read.append(
                read_annotations(
                    path,
                    recording_duration=inputs.recording_duration,
                    recording_start=inputs.recording_start,
                )
            )
        except TwitchscopeError as exc:
            if i == 0 and not pair.others:
                raise
            notes.append(f"not used: {exc}")
    with_lm = [a for a in read if not a.leg_movements().empty]
    if not with_lm:
        n_lm = sum(int((a.events["kind"] == "limb_movement").sum()) for a in read)
        why = (
            f"{n_lm} limb movement(s) without a leg"
            if n_lm
            else "no scored leg movements (is this a hypnogram-only file?)"
        )
        raise InputFileError(pair.annotation, f"holds {why}; nothing to compare with")
    ann = with_lm[0]
    # DREAMS-like datasets score each leg in its own file: every file's movements count
    ref = pd.concat([a.leg_movements() for a in with_lm], ignore_index=True)
    ref = ref.drop_duplicates().sort_values(["onset", "leg"], kind="stable")
    ref = ref.reset_index(drop=True)
    staged = [a for a in [ann, *read] if a.hypnogram is not None]
    events = pd.concat([a.events for a in read], ignore_index=True)
    events = events[events["kind"] != "limb_movement"].drop_duplicates(
        subset=["onset", "duration", "kind"]
    )
    events = events.sort_values("onset", kind="stable").reset_index(drop=True)
    hyp = staged[0].hypnogram if staged else inputs.hypnogram
    inputs = replace(inputs, hypnogram=hyp, events=events)
    pred = detect_movements(inputs, rules).table
    # The comparison itself is `twitchscope validate`'s, on the two tables as files.
    with tempfile.TemporaryDirectory(prefix="twitchscope-validate-") as tmp:
        pred_csv, ref_csv = Path(tmp) / "predicted.csv", Path(tmp) / "reference.csv"
        pred[["leg", "onset", "duration"]].to_csv(pred_csv, index=False)
        ref[["leg", "onset", "duration"]].to_csv(ref_csv, index=False)
        result = run_validation(
            pred_csv, ref_csv, iou=iou, onset_tolerance=onset_tolerance, hypnogram=hyp,
            events=events, rules=rules, recording_duration=inputs.recording_duration,
        )  # fmt: skip
    warnings = list(result.warnings) + [w for a in read for w in a.warnings] + notes
    return replace(
        result,
        warnings=warnings,
        predicted=str(pair.recording),
        reference=str(pair.annotation),
    )


def _pool(results: list[ValidationResult]) -> dict[str, LegAgreement]:
    out: dict[str, LegAgreement] = {}
    for leg in ("left", "right", "all"):
        n_pred = sum(r.legs[leg].n_pred for r in results)
        n_ref = sum(r.legs[leg].n_ref for r in results)
        tp = sum(r.legs[leg].tp for r in results)
        tp_on = sum(r.legs[leg].tp_onset for r in results)
        frames = [
            r.matched if leg == "all" else r.matched[r.matched["leg"] == leg] for r in results
        ]
        m = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
        if len(m):
            on = (m["pred_onset"] - m["ref_onset"]).to_numpy(float)
            off = (
                m["pred_onset"] + m["pred_duration"] - m["ref_onset"] - m["ref_duration"]
            ).to_numpy(float)
        else:
            on = off = np.zeros(0)
        out[leg] = _agreement(leg, n_pred, n_ref, tp, tp_on, on, off)
    return out


def _icc(a: np.ndarray, b: np.ndarray) -> float:
    """ICC(2,1): two-way random effects, absolute agreement, single measure (k = 2)."""
    y = np.column_stack([a, b]).astype(float)
    n, k = y.shape
    if n < 2:
        return math.nan
    grand = y.mean()
    ss_rows = k * float(((y.mean(axis=1) - grand) ** 2).sum())
    ss_cols = n * float(((y.mean(axis=0) - grand) ** 2).sum())
    ss_err = float(((y - grand) ** 2).sum()) - ss_rows - ss_cols
    msr, msc, mse = ss_rows / (n - 1), ss_cols / (k - 1), ss_err / ((n - 1) * (k - 1))
    denom = msr + (k - 1) * mse + k * (msc - mse) / n
    return float((msr - mse) / denom) if denom > 0 else math.nan


def index_summary(results: list[ValidationResult]) -> dict[str, dict[str, float]]:
    """Bias, MAE and ICC(2,1) over nights of each compared index."""
    out: dict[str, dict[str, float]] = {}
    for key in ("plms_index", "plmw_index", "lm_index"):
        pairs = [
            (r.index_agreement[key]["predicted"], r.index_agreement[key]["reference"])
            for r in results
            if isinstance(r.index_agreement.get(key), dict)
            and r.index_agreement[key].get("predicted") is not None
            and r.index_agreement[key].get("reference") is not None
        ]
        if not pairs:
            continue
        a = np.array([p for p, _ in pairs], dtype=float)
        b = np.array([q for _, q in pairs], dtype=float)
        out[key] = {
            "nights": float(a.size),
            "mean_predicted": float(a.mean()),
            "mean_reference": float(b.mean()),
            "mean_difference": float((a - b).mean()),
            "mae": float(np.abs(a - b).mean()),
            "icc_2_1": _icc(a, b),
        }
    return out


def validate_dataset(
    folder: str | PathLike[str],
    *,
    rules: str | RuleSet = "wasm2016",
    iou: float = 0.2,
    onset_tolerance: float = 0.5,
    left: str | None = None,
    right: str | None = None,
    progress: Callable[[NightPair, int, int], None] | None = None,
) -> DatasetValidation:
    """Compare twitchscope with the scored leg movements of every night in ``folder``.

    Parameters
    ----------
    folder : path-like
        A dataset folder: recordings and their annotation files (see :func:`find_pairs`).
    rules : str or RuleSet
        Rule preset for detection and for both sides' indices (``wasm2016`` or ``aasm``).
    iou, onset_tolerance : float
        Matching criteria (IoU threshold; onset tolerance in s).
    left, right : str, optional
        Leg channel labels when the channel-name aliases do not find them.
    progress : callable, optional
        Called as ``progress(pair, index, total)`` before each night.

    Returns
    -------
    DatasetValidation

    Raises
    ------
    InputFileError
        When ``folder`` holds no recording, or no recording could be paired.
    """
    rs = get_rules(rules)
    pairs, unpaired = find_pairs(folder)
    if not pairs:
        raise InputFileError(
            folder,
            f"none of its {len(unpaired)} recording(s) has an annotation file whose name holds "
            "the recording's name (e.g. n1.edf with n1.txt, x.edf with x-nsrr.xml)",
        )
    nights: list[NightResult] = []
    for i, pair in enumerate(pairs):
        if progress is not None:
            progress(pair, i, len(pairs))
        try:
            res = compare_night(
                pair, rs, iou=iou, onset_tolerance=onset_tolerance, left=left, right=right
            )
        except TwitchscopeError as exc:
            nights.append(NightResult(pair, None, str(exc)))
            continue
        nights.append(NightResult(pair, res))
    done = [n.result for n in nights if n.result is not None]
    warnings = []
    if not done:
        warnings.append("no night could be compared; see each night's status")
    if unpaired:
        shown = ", ".join(p.name for p in unpaired[:10])
        warnings.append(f"{len(unpaired)} recording(s) without an annotation file: {shown}")
    return DatasetValidation(
        nights=nights,
        unpaired=unpaired,
        pooled=_pool(done),
        index_agreement=index_summary(done),
        rules=rs.name,
        iou=iou,
        onset_tolerance=onset_tolerance,
        warnings=warnings,
    )
