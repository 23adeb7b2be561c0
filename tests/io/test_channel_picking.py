"""One channel-picking code path for every recording source (EDF files and mne Raw objects)."""

from __future__ import annotations

import pytest

from twitchscope.errors import ChannelError
from twitchscope.io.channels import (
    find_role,
    label_channels,
    pick_leg_channels,
    resolve_channel,
)

LABELS = ["C3-M2", "Leg L", "Leg R", "ECG", "EMG Tib L", "X1", "X1"]


def test_roles_and_leg_picking_by_role() -> None:
    channels = label_channels(LABELS[:4])
    assert [c.role for c in channels] == ["eeg", "leg_left", "leg_right", "ecg"]
    left, right = pick_leg_channels(channels, "night.edf")
    assert (left.label, left.index, right.label, right.index) == ("Leg L", 1, "Leg R", 2)
    assert find_role(channels, "ecg", "night.edf").label == "ECG"


def test_names_exact_loose_and_by_role() -> None:
    channels = label_channels(LABELS[:4])
    assert resolve_channel(channels, "Leg L", "f").index == 1
    assert resolve_channel(channels, "leg-l", "f").index == 1  # case and punctuation ignored
    assert resolve_channel(channels, "leg_right", "f").index == 2  # a role
    left, right = pick_leg_channels(channels, "f", left="LEG R", right="leg l")
    assert (left.label, right.label) == ("Leg R", "Leg L")


def test_errors_name_the_file_the_channel_and_the_choices() -> None:
    channels = label_channels(LABELS)
    with pytest.raises(ChannelError, match="ambiguous: several channels have this role") as e:
        find_role(channels, "leg_left", "night.edf")  # "Leg L" and "EMG Tib L"
    assert "night.edf" in str(e.value) and "'EMG Tib L'" in str(e.value)
    with pytest.raises(ChannelError, match="ambiguous: 2 channels have this label"):
        resolve_channel(channels, "X1", "night.edf")
    with pytest.raises(ChannelError, match="no such channel or role; labels in the file"):
        resolve_channel(channels, "Leg X", "night.edf")
    with pytest.raises(ChannelError, match="unknown role"):
        find_role(channels, "arm_left", "night.edf")
    with pytest.raises(ChannelError, match="no channel found for this role"):
        find_role(label_channels(["C3-M2"]), "leg_left", "night.edf")
    with pytest.raises(ChannelError, match="the same channel is given for both legs"):
        pick_leg_channels(channels, "night.edf", left="Leg R", right="leg r")
    left, right = pick_leg_channels(channels, "night.edf", left="EMG Tib L")
    assert (left.label, right.label) == ("EMG Tib L", "Leg R")
