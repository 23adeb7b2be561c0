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
from dataclasses import dataclass
from os import PathLike
from typing import Final, Protocol, TypeVar

from twitchscope.errors import ChannelError

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


class LabelledChannel(Protocol):
    """What channel picking needs of a channel: its position, label and role."""

    @property
    def index(self) -> int: ...

    @property
    def label(self) -> str: ...

    @property
    def role(self) -> str: ...


@dataclass(frozen=True)
class ChannelLabel:
    """A channel known only by its label (e.g. of an ``mne`` Raw): position, label, role."""

    index: int
    label: str
    role: str


ChannelT = TypeVar("ChannelT", bound=LabelledChannel)


def label_channels(labels: Sequence[str]) -> tuple[ChannelLabel, ...]:
    """Channels with the roles the alias table gives their labels.

    Parameters
    ----------
    labels : sequence of str
        Channel labels in file order.
    """
    roles = assign_roles(labels, {})
    pairs = zip(labels, roles, strict=True)
    return tuple(ChannelLabel(i, label, role) for i, (label, role) in enumerate(pairs))


def _listing(channels: Sequence[LabelledChannel]) -> str:
    return ", ".join(repr(c.label) for c in channels) or "(none)"


def find_role(channels: Sequence[ChannelT], role: str, source: str | PathLike[str]) -> ChannelT:
    """The one channel with ``role``.

    Parameters
    ----------
    channels : sequence of channels
        Each with ``index``, ``label`` and ``role``.
    role : str
        One of :data:`ROLES`.
    source : str or path-like
        The recording, named in errors.

    Raises
    ------
    ChannelError
        When the role is unknown, no channel has it, or several do (naming them).
    """
    if role not in ROLES:
        raise ChannelError(source, role, f"unknown role; roles are {', '.join(ROLES)}")
    found = [c for c in channels if c.role == role]
    if not found:
        raise ChannelError(
            source,
            role,
            f"no channel found for this role; labels in the file: "
            f"{_listing(channels)}; name the channel explicitly",
        )
    if len(found) > 1:
        numbers = ", ".join(f"#{c.index + 1}" for c in found)
        raise ChannelError(
            source,
            role,
            f"ambiguous: several channels have this role ({_listing(found)}; signals {numbers}); "
            f"name one explicitly, by label or by signal number (e.g. '#{found[0].index + 1}')",
        )
    return found[0]


def signal_number(name: str) -> int | None:
    """The number N of a ``"#N"`` channel name (1-based, as ``twitchscope info`` shows), else None.

    Channels whose labels repeat can only be named this way.
    """
    text = name.strip()
    if len(text) > 1 and text[0] == "#" and text[1:].strip().isdecimal() and len(text) < 12:
        return int(text[1:].strip())
    return None


def resolve_channel(
    channels: Sequence[ChannelT], name: str, source: str | PathLike[str]
) -> ChannelT:
    """The channel a user means by ``name``: an exact label, a role, or a label written loosely.

    Parameters
    ----------
    channels : sequence of channels
        Each with ``index``, ``label`` and ``role``.
    name : str
        A label (``"Leg L"``), a role (``"leg_left"``), a signal number (``"#7"``, for labels
        that repeat) or a label differing only in case and punctuation (``"leg-l"``).
    source : str or path-like
        The recording, named in errors.

    Raises
    ------
    ChannelError
        When no channel matches, or several have that exact label.
    """
    exact = [c for c in channels if c.label == name]
    if len(exact) > 1:
        raise ChannelError(
            source,
            name,
            f"ambiguous: {len(exact)} channels have this label (signals "
            f"{', '.join('#' + str(c.index + 1) for c in exact)}); choose one by its signal "
            f"number, e.g. '#{exact[0].index + 1}'",
        )
    if exact:
        return exact[0]
    number = signal_number(name)
    if number is not None:
        numbered = [c for c in channels if c.index + 1 == number]
        if numbered:
            return numbered[0]
        raise ChannelError(
            source,
            name,
            f"no signal channel numbered #{number}; the signal channels are "
            + ", ".join(f"#{c.index + 1} {c.label!r}" for c in channels),
        )
    if name in ROLES:
        return find_role(channels, name, source)
    norm = normalise_label(name)
    loose = [c for c in channels if normalise_label(c.label) == norm]
    if len(loose) == 1:
        return loose[0]
    raise ChannelError(
        source, name, f"no such channel or role; labels in the file: {_listing(channels)}"
    )


def pick_leg_channels(
    channels: Sequence[ChannelT],
    source: str | PathLike[str],
    left: str | None = None,
    right: str | None = None,
) -> tuple[ChannelT, ChannelT]:
    """The left and right leg channels: the ``leg_left``/``leg_right`` roles, or as named.

    Every recording source (EDF/BDF files, ``mne`` Raw objects) picks its legs here.

    Parameters
    ----------
    channels : sequence of channels
        Each with ``index``, ``label`` and ``role``.
    source : str or path-like
        The recording, named in errors.
    left, right : str, optional
        Labels (or roles) to use instead of the leg roles.

    Raises
    ------
    ChannelError
        When a leg is missing or ambiguous, or the same channel is given for both legs.
    """
    names = (left or "leg_left", right or "leg_right")
    lch = resolve_channel(channels, names[0], source)
    rch = resolve_channel(channels, names[1], source)
    if names[0] == names[1] or lch.index == rch.index:
        raise ChannelError(source, names[0], "the same channel is given for both legs")
    return lch, rch
