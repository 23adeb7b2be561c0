"""Score one uploaded night into its folder, reporting progress as plain data.

The same steps as ``twitchscope score`` (read, detect, score, write the output contract, draw the
report), then what the review page needs beside the contract files: the hypnogram and the
excluded stretches as JSON (``viewer.json``).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any, Final

from twitchscope.jsonsafe import json_safe

#: Called with (what is being done, fraction done 0-1).
Progress = Callable[[str, float], None]
OUTPUT_DIR: Final[str] = "out"
REVIEWED_DIR: Final[str] = "reviewed"
VIEWER_FILE: Final[str] = "viewer.json"


def _noop(step: str, fraction: float) -> None:
    return None


def score_night(
    recording: Path,
    out: Path,
    *,
    hypnogram: Path | None = None,
    events: Path | None = None,
    rules: str = "wasm2016",
    movements: Any = None,
    stage_codes: str | None = None,
    progress: Progress = _noop,
) -> dict[str, Any]:
    """Detect (or take) and score the leg movements of one night; write the output contract.

    The whole ``twitchscope score`` command (:func:`twitchscope.api.score_to_dir`), then
    ``viewer.json`` for the review page.

    Parameters
    ----------
    recording, hypnogram, events : Path
        The stored files.
    out : Path
        Output folder (the files of ``twitchscope score``, and ``viewer.json``).
    rules : str
        Rule preset.
    movements : DataFrame, optional
        Reviewed single-leg movements to score instead of detecting (``leg, onset, duration``).
    stage_codes : str, optional
        Mapping of integer stage codes in the hypnogram file (``"0=W,1=N1,2=N2,3=N3,5=R"``),
        as ``score --stage-codes``.
    progress : callable
        ``progress(step, fraction)``, from the score command's progress events.

    Returns
    -------
    dict
        The content of ``summary.json``.

    Raises
    ------
    TwitchscopeError
        Bad input, with the same message as the CLI.
    """
    from twitchscope.api import score_to_dir
    from twitchscope.outputs import build_summary

    def on_event(event: Any) -> None:
        # the score command is 90 % of the job; the review's preparation is the rest
        progress(event.message, 0.9 * float(event.fraction))

    result = score_to_dir(
        recording,
        out,
        hypnogram=hypnogram,
        events=events,
        rules=rules,
        movements=movements,
        stage_codes=stage_codes,
        report=True,
        progress=on_event,
    )
    write_viewer_data(result, out / VIEWER_FILE)
    return build_summary(result)


def write_viewer_data(result: Any, path: Path) -> None:
    """Write what the review page draws besides the tables: stages and excluded stretches."""
    hyp = result.hypnogram
    excluded: dict[str, list[list[Any]]] = {"left": [], "right": []}
    for det in result.detections:
        table = det.excluded
        excluded[det.leg] = [
            [float(o), float(d), str(r)]
            for o, d, r in zip(table["onset"], table["duration"], table["reason"], strict=True)
        ]
    data = {
        "duration_s": float(result.recording_duration),
        "recording_start": result.recording_start,
        "hypnogram": None
        if hyp is None
        else {
            "epoch_length": float(hyp.epoch_length),
            "offset": float(hyp.offset),
            "stages": list(hyp.stages),
        },
        "excluded": excluded,
        "channels": dict(result.channels),
    }
    tmp = path.with_name(path.name + ".part")
    tmp.write_text(json.dumps(json_safe(data)), encoding="utf-8")
    os.replace(tmp, path)


def read_json(path: Path) -> dict[str, Any] | None:
    """A JSON file written by the app, or None when missing."""
    try:
        return dict(json.loads(path.read_text(encoding="utf-8")))
    except FileNotFoundError:
        return None
