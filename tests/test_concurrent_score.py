"""A run with threads equals the same run one step after the other.

``score_to_dir`` on a file path reads and detects on threads from the start (the annotation
readers and the scorer load meanwhile); with ``TWITCHSCOPE_THREADS=1`` and an open Recording
everything runs in the calling thread in order. Both must give identical tables, indices and
warnings, and the errors of the serial order.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

import twitchscope
from twitchscope.errors import InputFileError, ValidationError
from twitchscope.io.recording import open_recording
from twitchscope.simulate import simulate_night


@pytest.fixture(scope="module")
def night(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 30-minute night with periodic movements and an ECG, written as EDF+."""
    path = tmp_path_factory.mktemp("night") / "night.edf"
    simulate_night("rls", seed=11, duration_h=0.5).write(path)
    return path


def test_threaded_run_equals_serial_run(
    night: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    threaded = twitchscope.score_to_dir(night, tmp_path / "threads", report=False)
    monkeypatch.setenv("TWITCHSCOPE_THREADS", "1")
    with open_recording(night) as rec:  # a Recording object: the serial path
        serial = twitchscope.score(rec)
    assert threaded.detections[0].leg == "left" and threaded.detections[1].leg == "right"
    pd.testing.assert_frame_equal(threaded.movements, serial.movements)
    pd.testing.assert_frame_equal(threaded.scored, serial.scored)
    for a, b in zip(threaded.detections, serial.detections, strict=True):
        pd.testing.assert_frame_equal(a.excluded, b.excluded)
        assert a.warnings == b.warnings
    assert json.dumps(threaded.indices, default=str) == json.dumps(serial.indices, default=str)
    assert threaded.warnings == serial.warnings
    assert len(threaded.movements) > 20


def test_errors_come_in_the_serial_order(tmp_path: Path) -> None:
    missing = tmp_path / "missing.edf"
    # the stage codes are checked before the recording is looked at
    with pytest.raises(ValidationError, match="stage_codes"):
        twitchscope.score(missing, stage_codes="0=W")
    with pytest.raises(InputFileError, match=r"missing\.edf"):
        twitchscope.score_to_dir(missing, tmp_path / "out")


def test_reading_path_loads_without_pandas() -> None:
    """The modules that decode a recording, find R peaks and filter the legs load without
    pandas, so a run decodes its file and filters the legs on threads while pandas loads
    (checked by module, not by timing): pandas is first needed for the movement tables."""
    code = (
        "import sys, json\n"
        "import twitchscope.api, twitchscope.prepare, twitchscope.io.recording\n"
        "import twitchscope.detect.ecg, twitchscope.io.quality, twitchscope.scoring.rules\n"
        "import twitchscope.detect.emg, twitchscope.detect.filters\n"
        "import twitchscope.detect.twitches.rules\n"
        # checked by the score command before the run starts (is the input an accelerometer?)
        "import twitchscope.cli.accelerometer_option\n"
        "print(json.dumps('pandas' in sys.modules))"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout) is False
