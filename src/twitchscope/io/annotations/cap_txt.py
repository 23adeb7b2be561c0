"""CAP Sleep Database scoring files: the REMlogic text export (``*.txt`` beside each ``.edf``).

Layout (Terzano et al. 2001, Sleep Med 2:537-553; PhysioNet ``capslpdb``)::

    Patient Name:   ...
    Recording Date: 05/11/2001
    Events Included:
    ...
    Sleep Stage<TAB>Position<TAB>Time [hh:mm:ss]<TAB>Event<TAB>Duration[s]<TAB>Location
    W<TAB>Supine<TAB>22:07:57<TAB>SLEEP-S0<TAB>30<TAB>ROC-LOC
    S1<TAB>Supine<TAB>22:08:27<TAB>SLEEP-S1<TAB>30<TAB>ROC-LOC
    S2<TAB>Supine<TAB>22:15:27<TAB>MCAP-A1<TAB>4<TAB>EEG-F4-C4
    ...

A free-text preamble precedes the header line, which starts with ``Sleep Stage``; some files
have no ``Position`` column, some write ``Duration [s]``, some write times as ``hh.mm.ss``. Times
are clock times: they roll over at midnight, and they are turned into seconds from the
recording's start (``recording_start``, e.g. the EDF header's start time; without it, from the
first scored row, with a warning). Events ``SLEEP-S0`` .. ``SLEEP-S4``, ``SLEEP-REM``,
``SLEEP-MT`` and ``SLEEP-UNSCORED`` are the 30 s hypnogram (R&K: S3 and S4 become N3, MT and
unscored ``UNS``; the ``Sleep Stage`` column is used when the event says no stage); ``MCAP-A1``
.. ``MCAP-A3`` (CAP A phases) are kept as events of kind ``other``; any other event name is
looked up in the event vocabulary, and a limb movement's leg is taken from its ``Location``
(e.g. ``TIB-SX``/``TIB-DX``, ``Left Tib``) when the name does not say.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Final

from twitchscope.errors import InputFileError
from twitchscope.io.annotations.collect import Collector
from twitchscope.io.annotations.model import Annotations
from twitchscope.io.annotations.text_table import parse_float, read_text
from twitchscope.io.annotations.vocabulary import event_of, leg_of_channel, normalize_label

#: The first words of the header line.
HEADER_START: Final[str] = "sleep stage"
#: CAP/REMlogic stage events.
CAP_STAGE_EVENTS: Final[dict[str, str]] = {
    "SLEEP-S0": "W",
    "SLEEP-S1": "N1",
    "SLEEP-S2": "N2",
    "SLEEP-S3": "N3",
    "SLEEP-S4": "N3",
    "SLEEP-REM": "R",
    "SLEEP-MT": "UNS",
    "SLEEP-UNSCORED": "UNS",
}
#: The ``Sleep Stage`` column's words.
CAP_STAGE_WORDS: Final[dict[str, str]] = {
    "W": "W", "S0": "W", "S1": "N1", "S2": "N2", "S3": "N3", "S4": "N3",
    "R": "R", "REM": "R", "MT": "UNS", "U": "UNS",
}  # fmt: skip
_TIME = re.compile(r"^(\d{1,2})[:.](\d{2})[:.](\d{2})(?:[.,](\d+))?$")
_COLUMNS: Final[dict[str, str]] = {
    "sleep stage": "stage",
    "position": "position",
    "time hh mm ss": "time",
    "event": "event",
    "duration s": "duration",
    "location": "location",
}


def is_cap_txt(head: bytes) -> bool:
    """Whether a file's first bytes look like a CAP/REMlogic scoring export."""
    text = head.decode("latin-1", errors="replace")
    for line in text.splitlines()[:200]:
        norm = normalize_label(line)
        if norm.startswith(HEADER_START) and "time" in norm and "event" in norm:
            return True
    return False


def _clock(source: str, text: str, line: int) -> float:
    """Seconds since midnight of ``hh:mm:ss`` (or ``hh.mm.ss``)."""
    m = _TIME.match(text.strip())
    if m is None:
        raise InputFileError(source, f"line {line}: time {text!r} is not hh:mm:ss")
    h, mi, s = int(m.group(1)), int(m.group(2)), int(m.group(3))
    if h > 23 or mi > 59 or s > 59:
        raise InputFileError(source, f"line {line}: time {text!r} is not a clock time")
    frac = float(f"0.{m.group(4)}") if m.group(4) else 0.0
    return h * 3600.0 + mi * 60.0 + s + frac


def _start_seconds(start: dt.datetime | dt.time) -> float:
    t = start.time() if isinstance(start, dt.datetime) else start
    return t.hour * 3600.0 + t.minute * 60.0 + t.second + t.microsecond / 1e6


def read_cap_txt(
    path: str | Path,
    *,
    recording_duration: float | None = None,
    epoch_length: float = 30.0,
    recording_start: dt.datetime | dt.time | None = None,
) -> Annotations:
    """Read a CAP Sleep Database (REMlogic) scoring text file.

    Parameters
    ----------
    path : path-like
        The ``.txt`` file.
    recording_duration : float, optional
        Length of the recording in seconds, to check that the annotations fit it.
    epoch_length : float
        Epoch length in seconds (CAP scores 30 s epochs).
    recording_start : datetime or time, optional
        The recording's start clock time (the EDF header's); times in the file are clock times.
        Without it, times count from the first scored row and a warning says so.

    Raises
    ------
    InputFileError
        No header line, a row with too few columns, a bad clock time or duration, or
        annotations that do not fit the recording.
    """
    source = str(path)
    lines = read_text(path).splitlines()
    header_at = next(
        (i for i, ln in enumerate(lines) if normalize_label(ln).startswith(HEADER_START)), None
    )
    if header_at is None:
        raise InputFileError(
            source, "has no 'Sleep Stage ... Time ... Event' header line (not a CAP scoring file)"
        )
    names = [normalize_label(c) for c in lines[header_at].split("\t")]
    cols = {_COLUMNS[n]: i for i, n in enumerate(names) if n in _COLUMNS}
    missing = [c for c in ("time", "event") if c not in cols]
    if missing:
        raise InputFileError(
            source, f"line {header_at + 1}: the header has no {', '.join(missing)} column"
        )
    collector = Collector(source, "cap-txt", epoch_length)
    day = 0.0
    previous = None
    origin = None if recording_start is None else _start_seconds(recording_start)
    if origin is None:
        collector.note(
            f"{source}: times are clock times and no recording start was given; they count "
            "from the first scored row (give the recording's start to align them)"
        )
    width = max(cols.values()) + 1
    for number in range(header_at + 1, len(lines)):
        raw = lines[number]
        if not raw.strip():
            continue
        cells = [c.strip() for c in raw.split("\t")]
        line = number + 1
        if len(cells) < width:
            raise InputFileError(
                source, f"line {line}: expected {width} tab-separated columns, got {len(cells)}"
            )
        clock = _clock(source, cells[cols["time"]], line)
        if previous is not None and clock < previous - 12 * 3600:
            day += 86400.0  # past midnight
        previous = clock
        if origin is None:
            origin = clock
        elif origin > clock + day + 12 * 3600 and day == 0:
            day = 86400.0  # the recording started before midnight, the scoring after it
        onset = clock + day - origin
        if onset < 0:
            raise InputFileError(
                source,
                f"line {line}: row at {cells[cols['time']]} lies before the recording start",
            )
        duration = (
            parse_float(source, cells[cols["duration"]], "duration", line, allow_missing=True)
            if "duration" in cols
            else float("nan")
        )
        event = cells[cols["event"]]
        stage_text = cells[cols["stage"]] if "stage" in cols else ""
        _add_row(collector, onset, duration, event, stage_text, cells, cols)
    return collector.finish(recording_duration)


def _add_row(
    collector: Collector,
    onset: float,
    duration: float,
    event: str,
    stage_text: str,
    cells: list[str],
    cols: dict[str, int],
) -> None:
    key = event.strip().upper()
    if key in CAP_STAGE_EVENTS:
        collector.add_stage(onset, duration, CAP_STAGE_EVENTS[key], event)
        return
    if key.startswith("SLEEP-"):
        stage = CAP_STAGE_WORDS.get(stage_text.strip().upper())
        if stage is None:
            collector.add_unknown_stage(onset, duration, event)
        else:
            collector.add_stage(onset, duration, stage, event)
        return
    if key.startswith("MCAP-"):
        collector.add_event(onset, duration, "other", "", event)  # CAP A phase
        return
    found = event_of(event)
    if found is None:
        collector.add_unknown(onset, duration, event)
        return
    leg = found.leg
    if found.kind == "limb_movement" and not leg and "location" in cols:
        leg = leg_of_channel(cells[cols["location"]])
    collector.add_event(onset, duration, found.kind, leg, event)
