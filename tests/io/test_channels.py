"""Channel roles from labels: the alias table, written into real files and read back."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from twitchscope.errors import ChannelError, ValidationError
from twitchscope.io.channels import ALIASES, ROLES, match_role, normalise_label
from twitchscope.io.recording import open_recording

LEG_PAIRS = [
    ("LAT", "RAT"),
    ("Leg L", "Leg R"),
    ("L Leg", "R Leg"),
    ("Leg/L", "Leg/R"),
    ("LEG(L)", "LEG(R)"),
    ("TIB Sx", "TIB Dx"),
    ("tib sin", "tib dx"),
    ("SX1-SX2", "DX1-DX2"),
    ("EMG Tib L", "EMG Tib R"),
    ("PLMl", "PLMr"),
    ("Left Leg", "Right Leg"),
    # variants: case, spacing, punctuation and the EMG prefix
    ("leg l", "LEG R"),
    ("EMG LAT", "EMG RAT"),
    ("Leg_L", "Leg-R"),
]


@pytest.mark.parametrize(("left", "right"), LEG_PAIRS)
def test_leg_alias_pairs_in_real_files(
    tmp_path: Path, edf_tools: dict[str, Any], left: str, right: str
) -> None:
    sig = edf_tools["Sig"]
    rng = np.random.default_rng(3)
    path = edf_tools["write"](
        tmp_path / "legs.edf",
        [
            sig("C4-M1", rng.normal(0, 20, 256), 128),
            sig(right, rng.normal(0, 10, 512), 256),
            sig(left, rng.normal(0, 10, 512), 256),
        ],
    )
    with open_recording(path) as rec:
        assert rec.find("leg_left").label == left
        assert rec.find("leg_right").label == right
        l_sig, r_sig = rec.legs()
        assert (l_sig.label, r_sig.label) == (left, right)


@pytest.mark.parametrize(
    ("label", "role"),
    [
        ("Chin", "chin"),
        ("EMG Chin", "chin"),
        ("Chin1-Chin2", "chin"),
        ("CHIN EMG", "chin"),
        ("Submental", "chin"),
        ("EMG submental", "chin"),
        ("C3-M2", "eeg"),
        ("C4-A1", "eeg"),
        ("EEG C4-A1", "eeg"),
        ("Fpz-Cz", "eeg"),
        ("Pz-Oz", "eeg"),
        ("O2-M1", "eeg"),
        ("EEG", "eeg"),
        ("E1-M2", "eog"),
        ("LOC", "eog"),
        ("ROC", "eog"),
        ("EOG L", "eog"),
        ("EOG(R)", "eog"),
        ("ECG", "ecg"),
        ("EKG", "ecg"),
        ("ECG II", "ecg"),
        ("Flow", "resp_flow"),
        ("Airflow", "resp_flow"),
        ("Nasal Pressure", "resp_flow"),
        ("Thor", "resp_thorax"),
        ("Chest", "resp_thorax"),
        ("Abdo", "resp_abdomen"),
        ("Abdomen", "resp_abdomen"),
        ("SpO2", "spo2"),
        ("SaO2", "spo2"),
        ("Position", "position"),
        ("Snore", "snore"),
        ("Light", ""),
        ("Marker", ""),
        ("M1", ""),
    ],
)
def test_other_roles(label: str, role: str) -> None:
    assert match_role(label) == role


def test_alias_table_is_consistent() -> None:
    assert set(ALIASES) <= set(ROLES)
    seen: dict[str, str] = {}
    for role, labels in ALIASES.items():
        for label in labels:
            key = normalise_label(label)
            assert seen.setdefault(key, role) == role, f"{label!r} in two roles"
            assert match_role(label) == role


def test_user_mapping_wins_and_is_checked(tmp_path: Path, edf_tools: dict[str, Any]) -> None:
    sig = edf_tools["Sig"]
    rng = np.random.default_rng(4)
    path = edf_tools["write"](
        tmp_path / "m.edf",
        [
            sig("Leg L", rng.normal(0, 10, 512), 256),
            sig("Leg R", rng.normal(0, 10, 512), 256),
            sig("EMG5", rng.normal(0, 10, 512), 256),
        ],
    )
    with open_recording(path, channels={"leg_left": "EMG5"}) as rec:
        assert rec.find("leg_left").label == "EMG5"
        assert rec.roles()["leg_left"] == ["EMG5"]
        assert rec.legs()[0].label == "EMG5"
    with pytest.raises(ChannelError, match=r"m\.edf.*'Nope'.*not in the file"):
        open_recording(path, channels={"leg_left": "Nope"})
    with pytest.raises(ValidationError, match="unknown role"):
        open_recording(path, channels={"arm": "EMG5"})


def test_missing_and_ambiguous_roles(tmp_path: Path, edf_tools: dict[str, Any]) -> None:
    sig = edf_tools["Sig"]
    rng = np.random.default_rng(5)
    path = edf_tools["write"](
        tmp_path / "a.edf",
        [
            sig("LAT", rng.normal(0, 10, 512), 256),
            sig("Leg L", rng.normal(0, 10, 512), 256),
            sig("Chin", rng.normal(0, 10, 512), 256),
        ],
    )
    with open_recording(path) as rec:
        with pytest.raises(ChannelError, match=r"a\.edf.*leg_right.*no channel.*'LAT', 'Leg L'"):
            rec.find("leg_right")
        with pytest.raises(ChannelError, match=r"ambiguous.*'LAT', 'Leg L'"):
            rec.legs()
        with pytest.raises(ChannelError, match="no such channel"):
            rec.load("Arm")
        # explicit labels resolve the ambiguity
        left, right = rec.legs(left="LAT", right="Leg L")
        assert (left.label, right.label) == ("LAT", "Leg L")
        with pytest.raises(ChannelError, match="same channel"):
            rec.legs(left="LAT", right="LAT")
