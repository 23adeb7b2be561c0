"""Compumedics Profusion XML annotations (``<CMPStudyConfig>``).

Layout::

    <CMPStudyConfig>
      <EpochLength>30</EpochLength>
      <ScoredEvents>
        <ScoredEvent>
          <Name>Obstructive Apnea</Name> <Start>123.4</Start> <Duration>12.1</Duration>
          <Input>Nasal Pressure</Input>
        </ScoredEvent>
        ...
      </ScoredEvents>
      <SleepStages><SleepStage>0</SleepStage><SleepStage>2</SleepStage>...</SleepStages>
    </CMPStudyConfig>

One ``SleepStage`` per epoch from the recording start, coded 0=W, 1=N1, 2=N2, 3 and 4 (R&K
stage 4)=N3, 5=R, anything else UNS. Event names are looked up in the event vocabulary; a limb
movement's leg comes from its name, else from the ``Input`` channel (e.g. ``Leg L``).
"""

from __future__ import annotations

from pathlib import Path
from xml.etree.ElementTree import Element

from twitchscope.errors import InputFileError
from twitchscope.hypnogram import Hypnogram
from twitchscope.io.annotations.collect import Collector
from twitchscope.io.annotations.model import Annotations
from twitchscope.io.annotations.text_table import is_integer_text, shorten
from twitchscope.io.annotations.vocabulary import PROFUSION_STAGE_CODES, leg_of_channel
from twitchscope.io.annotations.xml_safe import (
    check_root,
    child_text,
    epoch_length_of,
    event_times,
    find_child,
    local_tag,
    parse_xml,
)

ROOT_TAG = "CMPStudyConfig"


def read_profusion_xml(
    path: str | Path,
    *,
    recording_duration: float | None = None,
    epoch_length: float = 30.0,
    root: Element | None = None,
) -> Annotations:
    """Read a Compumedics Profusion XML annotation file.

    Parameters
    ----------
    path : path-like
        The ``.xml`` file.
    recording_duration : float, optional
        Length of the recording in seconds, to check that the annotations fit it.
    epoch_length : float
        Epoch length in seconds when the file has no ``<EpochLength>``.
    root : Element, optional
        The already parsed root element.

    Raises
    ------
    InputFileError
        Hostile or malformed XML, a wrong root element, neither ``<ScoredEvents>`` nor
        ``<SleepStages>``, a non-integer stage code, an event without name or start,
        non-numeric or negative times, or annotations that do not fit the recording.
    """
    source = str(path)
    if root is None:
        root = parse_xml(path)
    check_root(source, root, ROOT_TAG, "Profusion XML")
    epoch = epoch_length_of(source, root, epoch_length)
    events = find_child(root, "ScoredEvents")
    stages = find_child(root, "SleepStages")
    if events is None and stages is None:
        raise InputFileError(source, "Profusion XML has neither <ScoredEvents> nor <SleepStages>")
    collector = Collector(source, "profusion-xml", epoch)
    if events is not None:
        for number, event in enumerate(events, start=1):
            if local_tag(event) == "ScoredEvent":
                _add_event(collector, event, number)
    codes = _stage_codes(source, stages) if stages is not None else []
    if codes:
        _add_stages(collector, codes, epoch)
    return collector.finish(recording_duration)


def _add_event(collector: Collector, event: Element, number: int) -> None:
    source = collector.source
    name = child_text(event, "Name")
    if name is None or name == "":
        raise InputFileError(source, f"ScoredEvent #{number} has no <Name>")
    where = f"ScoredEvent #{number} ({name!r})"
    start, duration = event_times(source, event, where)
    leg_hint = leg_of_channel(child_text(event, "Input") or "")
    collector.add_label(start, duration, name, leg_hint=leg_hint)


def _stage_codes(source: str, stages: Element) -> list[int]:
    codes: list[int] = []
    for number, element in enumerate(stages, start=1):
        if local_tag(element) != "SleepStage":
            continue
        text = (element.text or "").strip()
        if not is_integer_text(text):
            raise InputFileError(
                source, f"<SleepStage> #{number} is not an integer code ({shorten(text)!r})"
            )
        codes.append(int(text))
    return codes


def _add_stages(collector: Collector, codes: list[int], epoch: float) -> None:
    """One stage per epoch from time 0, added as runs of equal stage."""
    stages = [PROFUSION_STAGE_CODES.get(c, "UNS") for c in codes]
    unusual = sorted({c for c in codes if c not in PROFUSION_STAGE_CODES})
    runs = Hypnogram(tuple(stages), epoch_length=epoch).to_intervals()
    for onset, duration, stage in runs.itertuples(index=False):
        collector.add_stage(float(onset), float(duration), str(stage), f"SleepStage {stage}")
    if unusual:
        n = sum(c not in PROFUSION_STAGE_CODES for c in codes)
        collector.note(
            f"{collector.source}: {n} epoch(s) with stage code(s) {unusual} counted as UNS "
            "(Profusion codes 0=W, 1=N1, 2=N2, 3/4=N3, 5=R)"
        )
