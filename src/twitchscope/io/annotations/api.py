"""One entry point for every annotation format: :func:`read_annotations` and its shortcuts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from pathlib import Path

import pandas as pd

from twitchscope.errors import InputFileError
from twitchscope.hypnogram import Hypnogram
from twitchscope.io.annotations.model import Annotations
from twitchscope.io.annotations.sniff import check_format, read_head, sniff_format

Reader = Callable[..., Annotations]


def _reader(fmt: str) -> Reader:
    """The reader function of a format (imported on demand)."""
    if fmt == "edf+":
        from twitchscope.io.annotations.edf_plus import read_edf_annotations

        return read_edf_annotations
    if fmt == "nsrr-xml":
        from twitchscope.io.annotations.nsrr_xml import read_nsrr_xml

        return read_nsrr_xml
    if fmt == "profusion-xml":
        from twitchscope.io.annotations.profusion_xml import read_profusion_xml

        return read_profusion_xml
    if fmt == "bids-tsv":
        from twitchscope.io.annotations.bids_tsv import read_bids_tsv

        return read_bids_tsv
    if fmt == "csv-hypnogram":
        from twitchscope.io.annotations.csv_hypnogram import read_csv_hypnogram

        return read_csv_hypnogram
    if fmt == "cap-txt":
        from twitchscope.io.annotations.cap_txt import read_cap_txt

        return read_cap_txt
    if fmt == "dreams-txt":
        from twitchscope.io.annotations.dreams_txt import read_dreams_txt

        return read_dreams_txt
    if fmt == "csv-events":
        from twitchscope.io.annotations.event_table import read_event_table

        return read_event_table
    from twitchscope.io.annotations.reference_movements import read_movement_table

    return read_movement_table


def read_annotations(
    path: str | Path,
    *,
    recording_duration: float | None = None,
    epoch_length: float = 30.0,
    format: str | None = None,
    codes: Mapping[int, str] | None = None,
    recording_start: dt.datetime | dt.time | None = None,
) -> Annotations:
    """Read sleep stages and scored events from an annotation file of any supported format.

    Parameters
    ----------
    path : path-like
        EDF+/BDF+ file, NSRR XML, Compumedics Profusion XML, BIDS ``events.tsv``, CSV/TSV
        hypnogram, a reference leg-movement table (``leg,onset,duration``), a twitchscope
        event table (``onset,duration,kind,leg,label``), a CAP Sleep Database scoring
        (REMlogic ``.txt``) or a DREAMS hypnogram / visual-scoring ``.txt``.
    recording_duration : float, optional
        Length in seconds of the recording the annotations belong to; when given, events more
        than one epoch past its end and a hypnogram longer than it are errors.
    epoch_length : float
        Scoring epoch length in seconds (XML files give their own ``<EpochLength>``).
    format : str, optional
        One of ``"edf+", "nsrr-xml", "profusion-xml", "bids-tsv", "csv-hypnogram",
        "csv-movements", "csv-events", "cap-txt", "dreams-txt"``; recognised from the content
        and extension when not given.
    codes : mapping of int to str, optional
        Integer stage codes of a CSV hypnogram (or BIDS value column) to stage strings, e.g.
        ``{0: "W", 1: "N1", 2: "N2", 3: "N3", 5: "R"}``. Integer stages without it are an
        error, because integer codes differ between tools.
    recording_start : datetime or time, optional
        Start clock time of the recording, for formats that give clock times (CAP Sleep
        Database scorings, ``"cap-txt"``); ignored by the others.

    Returns
    -------
    Annotations

    Raises
    ------
    InputFileError
        Missing, empty, malformed, hostile or mismatched files, with the file and problem named.
    """
    fmt = sniff_format(path) if format is None else check_format(format)
    if format is not None:
        read_head(path)  # missing and empty files get the same message whatever the format
    if recording_duration is not None and not recording_duration > 0:
        raise InputFileError(path, f"recording duration must be > 0 s, got {recording_duration}")
    kwargs: dict[str, object] = {
        "recording_duration": recording_duration,
        "epoch_length": epoch_length,
    }
    if fmt in ("csv-hypnogram", "bids-tsv"):
        kwargs["codes"] = codes
    if fmt == "cap-txt":
        kwargs["recording_start"] = recording_start
    if fmt == "dreams-txt" and epoch_length == 30.0:
        del kwargs["epoch_length"]  # DREAMS hypnograms are scored in 5 s epochs
    return _reader(fmt)(path, **kwargs)


def read_hypnogram(
    path: str | Path,
    *,
    recording_duration: float | None = None,
    epoch_length: float = 30.0,
    format: str | None = None,
    codes: Mapping[int, str] | None = None,
) -> Hypnogram:
    """Read the hypnogram of an annotation file (see :func:`read_annotations`).

    Raises
    ------
    InputFileError
        As :func:`read_annotations`, and when the file holds no sleep stages.
    """
    return read_annotations(
        path,
        recording_duration=recording_duration,
        epoch_length=epoch_length,
        format=format,
        codes=codes,
    ).require_hypnogram()


def read_events(
    path: str | Path,
    *,
    recording_duration: float | None = None,
    epoch_length: float = 30.0,
    format: str | None = None,
) -> pd.DataFrame:
    """Read the scored events of an annotation file (see :func:`read_annotations`).

    Returns
    -------
    pandas.DataFrame
        Columns ``onset``, ``duration`` (s), ``kind``, ``leg``, ``label``; may be empty.
    """
    return read_annotations(
        path, recording_duration=recording_duration, epoch_length=epoch_length, format=format
    ).events


def read_reference_movements(
    path: str | Path,
    *,
    recording_duration: float | None = None,
    epoch_length: float = 30.0,
    format: str | None = None,
) -> pd.DataFrame:
    """Read reference leg movements (scored by a person or another tool), per leg.

    Parameters
    ----------
    path : path-like
        EDF+ annotations, NSRR XML, Profusion XML, BIDS events, or a CSV/TSV table with
        columns ``leg`` (left/right/l/r), ``onset`` and ``duration`` in seconds.
    recording_duration, epoch_length, format
        As for :func:`read_annotations`.

    Returns
    -------
    pandas.DataFrame
        Columns ``leg`` (``left``/``right``), ``onset``, ``duration`` (s), sorted by onset;
        empty when the file scores no leg movement.
    """
    return read_annotations(
        path, recording_duration=recording_duration, epoch_length=epoch_length, format=format
    ).leg_movements()
