"""Channel roles: which channel is the left leg, the chin, an EEG... found from its label.

Labels are matched through :data:`ALIASES`, a table of the labels real sleep centres use (data, not
code). Matching ignores case, spaces and punctuation (``"Leg/L"``, ``"LEG(L)"`` and ``"leg l"`` are
the same) and a leading or trailing signal-type word common in EDF labels (``"EMG Tib L"``,
``"CHIN EMG"``, ``"EEG C4-A1"``). An explicit user mapping (role -> label) always wins.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Final

ROLES: Final = (
    "leg_left",
    "leg_right",
    "chin",
    "eeg",
    "eog",
    "ecg",
    "resp_flow",
    "resp_thorax",
    "resp_abdomen",
    "spo2",
    "position",
    "snore",
)
#: Roles that several channels may share without ambiguity.
MULTI_ROLES: Final = frozenset({"eeg", "eog"})
#: Signal-type words stripped from the start or end of a label before matching.
TYPE_WORDS: Final = ("emg", "eeg", "eog", "ecg", "ekg", "resp")

_EEG_ELECTRODES: Final = [
    "Fp1",
    "Fp2",
    "Fpz",
    "AF3",
    "AF4",
    "AF7",
    "AF8",
    "AFz",
    "F1",
    "F2",
    "F3",
    "F4",
    "F5",
    "F6",
    "F7",
    "F8",
    "Fz",
    "FC1",
    "FC2",
    "FC3",
    "FC4",
    "FC5",
    "FC6",
    "FCz",
    "C1",
    "C2",
    "C3",
    "C4",
    "C5",
    "C6",
    "Cz",
    "CP1",
    "CP2",
    "CP3",
    "CP4",
    "CP5",
    "CP6",
    "CPz",
    "P1",
    "P2",
    "P3",
    "P4",
    "P5",
    "P6",
    "P7",
    "P8",
    "Pz",
    "PO3",
    "PO4",
    "PO7",
    "PO8",
    "POz",
    "O1",
    "O2",
    "Oz",
    "T3",
    "T4",
    "T5",
    "T6",
    "T7",
    "T8",
    "TP7",
    "TP8",
    "FT7",
    "FT8",
]
_EEG_REFERENCES: Final = ("M1", "M2", "A1", "A2", "Ref", "Avg", "AR", "LE", "RE", "M", "A")

#: Labels per role as written in real files; normalised by :func:`normalise_label` at import.
ALIASES: Final[dict[str, tuple[str, ...]]] = {
    "leg_left": (
        "LAT",
        "Leg L",
        "L Leg",
        "Leg/L",
        "LEG(L)",
        "TIB Sx",
        "tib sin",
        "SX1-SX2",
        "EMG Tib L",
        "PLMl",
        "Left Leg",
        "Leg Left",
        "LLeg",
        "L-Leg",
        "LLEG1-LLEG2",
        "LAT1-LAT2",
        "Tib L",
        "L Tib",
        "Tibialis L",
        "Left Tibialis",
        "LTA",
        "Tib Left",
        "Left Tib",
        "LEMG",
        "LM L",
    ),
    "leg_right": (
        "RAT",
        "Leg R",
        "R Leg",
        "Leg/R",
        "LEG(R)",
        "TIB Dx",
        "tib dx",
        "DX1-DX2",
        "EMG Tib R",
        "PLMr",
        "Right Leg",
        "Leg Right",
        "RLeg",
        "R-Leg",
        "RLEG1-RLEG2",
        "RAT1-RAT2",
        "Tib R",
        "R Tib",
        "Tibialis R",
        "Right Tibialis",
        "RTA",
        "Tib Right",
        "Right Tib",
        "REMG",
        "LM R",
    ),
    "chin": (
        "Chin",
        "EMG Chin",
        "Chin EMG",
        "Chin1-Chin2",
        "Chin1-Chin3",
        "Chin2-Chin3",
        "Chin1",
        "Chin2",
        "Chin3",
        "ChinL",
        "ChinR",
        "Chin-Ref",
        "Submental",
        "EMG submental",
        "Submental EMG",
        "Ment",
        "EMG",
        "EMG1-EMG2",
        "cEMG",
    ),
    "eeg": ("EEG", "EEG1", "EEG2", "EEG(sec)", "EEG sec", "EEG3"),
    "eog": (
        "EOG",
        "E1",
        "E2",
        "E1-M2",
        "E2-M1",
        "E1-M1",
        "E2-M2",
        "E1-A2",
        "E2-A1",
        "LOC",
        "ROC",
        "LOC-A2",
        "ROC-A1",
        "LOC-M2",
        "ROC-M1",
        "EOG L",
        "EOG R",
        "EOG Left",
        "EOG Right",
        "EOG(L)",
        "EOG(R)",
        "LEOG",
        "REOG",
        "EOG1",
        "EOG2",
        "EOG horizontal",
        "EOG vertical",
        "HEOG",
        "VEOG",
    ),
    "ecg": (
        "ECG",
        "EKG",
        "ECG I",
        "ECG II",
        "ECG III",
        "ECG1",
        "ECG2",
        "ECG L",
        "ECG R",
        "ECG1-ECG2",
        "EKG1-EKG2",
        "EKG II",
        "ECG Lead II",
        "ECGL",
        "ECGR",
    ),
    "resp_flow": (
        "Flow",
        "Airflow",
        "Air Flow",
        "Nasal Pressure",
        "Nasal Flow",
        "Oral Flow",
        "Pressure",
        "Nasal",
        "Thermistor",
        "Oronasal",
        "Oronasal Thermistor",
        "Cannula",
        "Nasal Cannula",
        "PFlow",
        "CFlow",
        "PTAF",
        "New Air",
        "Flow Patient",
        "Therm",
        "Resp oro-nasal",
        "Resp nasal",
        "Resp Flow",
    ),
    "resp_thorax": (
        "Thor",
        "Thorax",
        "Thoracic",
        "Chest",
        "Thor Effort",
        "Thorax Effort",
        "Chest Effort",
        "THOR RES",
        "Resp Thorax",
        "Resp Chest",
        "Effort THO",
        "RIP Thora",
        "RIP Thorax",
        "Thor RIP",
        "THO",
    ),
    "resp_abdomen": (
        "Abdo",
        "Abdomen",
        "Abd",
        "Abdominal",
        "ABDO RES",
        "Abdo Effort",
        "Abdomen Effort",
        "Effort ABD",
        "RIP Abdom",
        "RIP Abdomen",
        "Abdo RIP",
        "Resp Abdomen",
        "Resp Abdominal",
    ),
    "spo2": ("SpO2", "SaO2", "SpO2 %", "Sat", "Oxygen Saturation", "OSat", "Sao2 Nonin"),
    "position": ("Position", "Pos", "Body Position", "Body", "Sleep Position", "Body Pos"),
    "snore": ("Snore", "Snoring", "Snore Mic", "Microphone", "Mic", "Sound", "Snore Sound"),
}

_NON_ALNUM: Final = re.compile(r"[^0-9a-z]+")


def normalise_label(label: str) -> str:
    """Lower-case a label and drop everything but letters and digits (``"Leg/L"`` -> ``"legl"``).

    Parameters
    ----------
    label : str
        A channel label as written in a file.
    """
    return _NON_ALNUM.sub("", label.lower())


def _build_table() -> dict[str, str]:
    table: dict[str, str] = {}
    eeg = [normalise_label(e) for e in _EEG_ELECTRODES]
    refs = [normalise_label(r) for r in _EEG_REFERENCES]
    for key in itertools.chain(eeg, (a + b for a in eeg for b in refs)):
        table[key] = "eeg"
    for a, b in itertools.permutations(eeg, 2):
        table[a + b] = "eeg"
    for role, labels in ALIASES.items():
        for label in labels:
            table[normalise_label(label)] = role
    return table


_TABLE: Final = _build_table()


def _candidates(norm: str) -> Iterable[str]:
    yield norm
    for word in TYPE_WORDS:
        if norm.startswith(word) and len(norm) > len(word):
            yield norm[len(word) :]
        if norm.endswith(word) and len(norm) > len(word):
            yield norm[: -len(word)]


def match_role(label: str) -> str:
    """The role of a channel label from the alias table.

    Parameters
    ----------
    label : str
        A channel label, e.g. ``"EMG Tib L"``.

    Returns
    -------
    str
        One of :data:`ROLES`, or ``""`` when the label is not in the table.
    """
    for key in _candidates(normalise_label(label)):
        role = _TABLE.get(key)
        if role:
            return role
    return ""


def assign_roles(labels: Sequence[str], overrides: Mapping[str, str]) -> list[str]:
    """Roles of a file's channels: the alias table, overridden by an explicit user mapping.

    Parameters
    ----------
    labels : sequence of str
        The labels of the signal channels, in file order.
    overrides : mapping of role -> label
        Explicit choices; each role given here is given to that label only (labels must exist in
        ``labels``, checked by the caller).

    Returns
    -------
    list of str
        The role of each channel (``""`` when none).
    """
    roles = [match_role(label) for label in labels]
    overridden = set(overrides)
    roles = ["" if r in overridden else r for r in roles]
    for role, label in overrides.items():
        roles[list(labels).index(label)] = role
    return roles
