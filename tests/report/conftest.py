"""Fixtures of the report tests: a scored simulated night on disk, a diary, answers and lab
values, with hostile strings wherever a file or a person supplies text."""

from __future__ import annotations

import json
import shutil
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from _report_data import HOSTILE, ROOT


@pytest.fixture(scope="session")
def night_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A simulated half-hour night scored by ``twitchscope.score`` and written to a folder."""
    from twitchscope import score
    from twitchscope.outputs import write_outputs
    from twitchscope.simulate import simulate_night

    base = tmp_path_factory.mktemp("report_night")
    sim = simulate_night("rls", seed=5, duration_h=0.75)
    edf = base / "night.edf"
    sim.write(edf)
    result = score(edf)
    write_outputs(result, base / "out", report=False)
    return base / "out"


@pytest.fixture(scope="session")
def night_edf(night_dir: Path) -> Path:
    return night_dir.parent / "night.edf"


@pytest.fixture(scope="session")
def answers_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp_path = tmp_path_factory.mktemp("answers")
    doc = json.loads((ROOT / "examples" / "answers_example.json").read_text())
    doc["medications"] = ["sertraline", HOSTILE[:90]]
    p = tmp_path / "answers.json"
    p.write_text(json.dumps(doc), encoding="utf-8")
    return p


@pytest.fixture(scope="session")
def labs_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp_path = tmp_path_factory.mktemp("labs")
    p = tmp_path / "labs.json"
    shutil.copy(ROOT / "examples" / "labs_example.json", p)
    return p


@pytest.fixture(scope="session")
def diary_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Three weeks of evening episodes, with a hostile note on the latest."""
    from twitchscope.clinical.diary import make_day, make_episode, write_diary_csv

    start = datetime(2026, 10, 1, 21, 30)
    episodes = [
        make_episode(
            {
                "start": (start + timedelta(days=i, minutes=7 * i)).isoformat(sep=" "),
                "locations": "calf",
                "side": "both",
                "kind": "urge_to_move",
                "intensity": 4 + i % 5,
                "context": "resting",
                "note": HOSTILE if i == 20 else "restless after dinner",
            }
        )
        for i in range(21)
    ]
    days = [
        make_day({"date": (start + timedelta(days=i)).date().isoformat(), "caffeine_cups": i % 4})
        for i in range(21)
    ]
    return write_diary_csv(tmp_path_factory.mktemp("diary") / "diary.csv", episodes, days)
