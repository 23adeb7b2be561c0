"""Label vocabularies: the texts sleep centres and tools write, mapped to stages and event kinds.

Everything here is data. A label is first normalised with :func:`normalize_label` (lower case,
every run of punctuation or white space becomes one space), then looked up in the tables:

- :data:`STAGE_LABELS` maps a label to one of the stage strings ``W, N1, N2, N3, R, UNS``;
  R&K stages 3 and 4 both become ``N3``; movement time becomes ``UNS``.
- :data:`EVENT_LABELS` maps a label to an event kind of :data:`twitchscope.events.EVENT_KINDS`
  and a leg (``"left"``, ``"right"`` or ``""``).
- :data:`NSRR_STAGE_CONCEPTS` maps the first part of an NSRR ``EventConcept`` of a stage.
- :data:`PROFUSION_STAGE_CODES` maps Compumedics Profusion's integer stage codes.
- :data:`IGNORED_LABELS` are bookkeeping annotations that are neither stages nor events.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from itertools import product
from types import MappingProxyType
from typing import Final, NamedTuple

_SEPARATORS = re.compile(r"[^0-9a-z?]+")


def normalize_label(text: str) -> str:
    """Lower-case a label and collapse punctuation and white space into single spaces.

    ``"Limb Movement (Left)"`` becomes ``"limb movement left"``, ``"sleep_stage_2"`` becomes
    ``"sleep stage 2"`` and ``"Arousal ()"`` becomes ``"arousal"``.
    """
    return _SEPARATORS.sub(" ", text.lower()).strip()


def _stage_table() -> dict[str, str]:
    """Stage words by stage; prefixes such as "sleep stage" are combined with every word."""
    words: dict[str, tuple[str, ...]] = {
        "W": ("w", "wake", "awake", "wakefulness"),
        "N1": ("n1", "1", "s1", "nrem1", "nrem 1", "nrem stage 1"),
        "N2": ("n2", "2", "s2", "nrem2", "nrem 2", "nrem stage 2"),
        "N3": ("n3", "3", "4", "n4", "s3", "s4", "nrem3", "nrem 3", "nrem4", "nrem 4", "sws"),
        "R": ("r", "rem", "rem sleep"),
        "UNS": ("?", "uns", "unscored", "unknown", "mt", "movement time", "movement"),
    }
    # Bare integers are codes, never stage words (codes differ by tool); a bare "Movement" or
    # "Unknown" may be an event. These count as stages only after a prefix like "Sleep stage".
    needs_prefix = {"1", "2", "3", "4", "?", "movement", "unknown"}
    prefixes = ("", "sleep stage ", "stage ", "sleep ")
    suffixes = ("", " sleep")
    table: dict[str, str] = {}
    for stage, stage_words in words.items():
        for word, prefix, suffix in product(stage_words, prefixes, suffixes):
            if word in needs_prefix and not prefix:
                continue
            table[normalize_label(prefix + word + suffix)] = stage
    table["?"] = "UNS"
    table["movement time"] = "UNS"
    return table


#: Normalised stage label -> stage string.
STAGE_LABELS: Final[Mapping[str, str]] = MappingProxyType(_stage_table())

#: Labels for NREM sleep that was not subdivided ("Sleep stage N"); they become ``UNS`` with a
#: warning, because twitchscope's stages have no undivided NREM and guessing N2 would be wrong.
UNDIVIDED_NREM_LABELS: Final[frozenset[str]] = frozenset(
    {"sleep stage n", "stage n", "n", "nrem", "sleep stage nrem", "stage nrem", "nrem sleep"}
)

#: First part of an NSRR ``EventConcept`` of ``EventType`` ``Stages|Stages``.
NSRR_STAGE_CONCEPTS: Final[Mapping[str, str]] = MappingProxyType(
    {
        "wake": "W",
        "stage 1 sleep": "N1",
        "stage 2 sleep": "N2",
        "stage 3 sleep": "N3",
        "stage 4 sleep": "N3",
        "rem sleep": "R",
        "unscored": "UNS",
        "movement": "UNS",
    }
)

#: Compumedics Profusion ``SleepStage`` codes; any other code is ``UNS``.
PROFUSION_STAGE_CODES: Final[Mapping[int, str]] = MappingProxyType(
    {0: "W", 1: "N1", 2: "N2", 3: "N3", 4: "N3", 5: "R"}
)


class EventLabel(NamedTuple):
    """What an event label means: the event kind and, for limb movements, the leg."""

    kind: str
    leg: str = ""


_EVENT_WORDS: Final[dict[str, tuple[str, ...]]] = {
    "obstructive_apnea": (
        "obstructive apnea", "obstructive apnoea", "apnea obstructive", "apnoea obstructive",
        "oa", "obstructive apnea obstructive apnea",
    ),
    "central_apnea": (
        "central apnea", "central apnoea", "apnea central", "apnoea central", "ca",
    ),
    "mixed_apnea": ("mixed apnea", "mixed apnoea", "apnea mixed", "apnoea mixed"),
    "apnea": ("apnea", "apnoea", "apnea unclassified", "unclassified apnea"),
    "hypopnea": (
        "hypopnea", "hypopnoea", "obstructive hypopnea", "central hypopnea", "mixed hypopnea",
        "hypopnea obstructive", "hypopnea central", "obstructive hypopnoea", "central hypopnoea",
    ),
    "rera": ("rera", "respiratory effort related arousal", "arousal rera", "respiratory arousal"),
    "arousal": (
        "arousal", "arousal asda", "asda arousal", "arousals", "eeg arousal", "micro arousal",
        "microarousal", "arousal spontaneous", "spontaneous arousal", "arousal aro spont",
        "arousal aro res", "arousal resp", "arousal respiratory", "arousal plm", "arousal lm",
        "arousal aro limb", "arousal limb", "arousal snore", "arousal unspecified",
    ),
    "desaturation": (
        "desaturation", "spo2 desaturation", "oxygen desaturation", "desat", "sao2 desaturation",
        "o2 desaturation",
    ),
    "other": (
        "lights off", "lights on", "lights out", "unsure", "recording starts", "recording ends",
        "start recording", "end recording", "spo2 artifact", "bad data", "artifact", "snore",
    ),
}  # fmt: skip

#: Phrases naming a (periodic) limb or leg movement; combined with every side word below.
_LM_PHRASES: Final[tuple[str, ...]] = (
    "limb movement",
    "leg movement",
    "limb movements",
    "leg movements",
    "lm",
    "lms",
    "plm",
    "plms",
    "plmw",
    "periodic limb movement",
    "periodic leg movement",
    "periodic limb movements",
    "periodic leg movements",
    "isolated limb movement",
    "isolated leg movement",
)
_SIDE_WORDS: Final[Mapping[str, str]] = MappingProxyType(
    {"left": "left", "l": "left", "right": "right", "r": "right"}
)


def _event_table() -> dict[str, EventLabel]:
    table: dict[str, EventLabel] = {}
    for kind, labels in _EVENT_WORDS.items():
        for label in labels:
            table[normalize_label(label)] = EventLabel(kind)
    for phrase in _LM_PHRASES:
        table[phrase] = EventLabel("limb_movement")
        for side_word, leg in _SIDE_WORDS.items():
            for text in (
                f"{phrase} {side_word}",
                f"{side_word} {phrase}",
                f"{phrase} {side_word} leg",
            ):
                table[normalize_label(text)] = EventLabel("limb_movement", leg)
        for side_word in ("left", "right"):
            table[f"{side_word} leg {phrase}"] = EventLabel("limb_movement", side_word)
    return table


#: Normalised event label -> :class:`EventLabel`.
EVENT_LABELS: Final[Mapping[str, EventLabel]] = MappingProxyType(_event_table())

#: Bookkeeping annotations that are neither stages nor events (dropped without a warning; an
#: empty label is dropped too, as EDF+ time-keeping annotations are).
IGNORED_LABELS: Final[frozenset[str]] = frozenset({"recording start time"})

#: Words in a channel name (e.g. Profusion's ``Input``) that say which leg it records.
LEFT_CHANNEL_WORDS: Final[frozenset[str]] = frozenset(
    {"l", "left", "lat", "sx", "sin", "sinistra", "plml", "legl", "ll", "lleg", "lt"}
)
RIGHT_CHANNEL_WORDS: Final[frozenset[str]] = frozenset(
    {"r", "right", "rat", "dx", "destra", "plmr", "legr", "rl", "rleg", "rt"}
)

#: Leg words accepted in a reference-movement table's ``leg`` column.
LEG_WORDS: Final[Mapping[str, str]] = MappingProxyType(
    {"left": "left", "l": "left", "right": "right", "r": "right", "lt": "left", "rt": "right"}
)


def stage_of(label: str) -> str | None:
    """Stage string for a stage label, or None when the label is not a stage.

    ``None`` here is a lookup miss inside the vocabulary, not a result handed to users.
    """
    return STAGE_LABELS.get(normalize_label(label))


def event_of(label: str) -> EventLabel | None:
    """Event kind and leg of an event label, or None when the label is not a known event."""
    return EVENT_LABELS.get(normalize_label(label))


def leg_of_channel(name: str) -> str:
    """Leg a channel name records (``"left"``, ``"right"``) or ``""`` when it does not say.

    Electrode numbers are ignored (``LLEG1-LLEG2``, as NSRR cohorts such as MrOS name their
    leg derivations, reads as ``lleg``).
    """
    words = {w.rstrip("0123456789") or w for w in normalize_label(name).split()}
    left, right = bool(words & LEFT_CHANNEL_WORDS), bool(words & RIGHT_CHANNEL_WORDS)
    if left == right:
        return ""
    return "left" if left else "right"
