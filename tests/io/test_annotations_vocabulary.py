"""The label vocabularies: consistent data, no label with two meanings."""

from __future__ import annotations

import pytest

from twitchscope.events import EVENT_KINDS
from twitchscope.io.annotations.vocabulary import (
    EVENT_LABELS,
    NSRR_STAGE_CONCEPTS,
    PROFUSION_STAGE_CODES,
    STAGE_LABELS,
    UNDIVIDED_NREM_LABELS,
    event_of,
    leg_of_channel,
    normalize_label,
    stage_of,
)
from twitchscope.stages import STAGES


def test_tables_map_to_known_values() -> None:
    assert set(STAGE_LABELS.values()) == set(STAGES)
    assert set(NSRR_STAGE_CONCEPTS.values()) <= set(STAGES)
    assert set(PROFUSION_STAGE_CODES.values()) <= set(STAGES)
    assert {e.kind for e in EVENT_LABELS.values()} <= set(EVENT_KINDS)
    assert {e.leg for e in EVENT_LABELS.values()} == {"", "left", "right"}


def test_no_label_is_both_a_stage_and_an_event() -> None:
    both = (set(STAGE_LABELS) | UNDIVIDED_NREM_LABELS) & set(EVENT_LABELS)
    assert both == set()


def test_keys_are_normalised() -> None:
    for key in [*STAGE_LABELS, *EVENT_LABELS, *NSRR_STAGE_CONCEPTS]:
        assert normalize_label(key) == key


@pytest.mark.parametrize("text", ["0", "1", "2", "3", "4", "5", "9"])
def test_bare_integers_are_not_stage_words(text: str) -> None:
    assert stage_of(text) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Limb Movement (Left)", ("limb_movement", "left")),
        ("left leg movement", ("limb_movement", "left")),
        ("PLM (Right)", ("limb_movement", "right")),
        ("LM-R", ("limb_movement", "right")),
        ("Arousal ()", ("arousal", "")),
        ("  OBSTRUCTIVE   APNOEA ", ("obstructive_apnea", "")),
    ],
)
def test_event_label_variants(text: str, expected: tuple[str, str]) -> None:
    found = event_of(text)
    assert found is not None
    assert (found.kind, found.leg) == expected


@pytest.mark.parametrize(
    ("channel", "leg"),
    [
        ("Leg L", "left"),
        ("L Leg", "left"),
        ("LAT", "left"),
        ("RAT", "right"),
        ("TIB Dx", "right"),
        ("tib sin", "left"),
        ("PLMr", "right"),
        ("EMG Tib L", "left"),
        ("Nasal Pressure", ""),
        ("L-R", ""),
    ],
)
def test_leg_of_channel(channel: str, leg: str) -> None:
    assert leg_of_channel(channel) == leg
