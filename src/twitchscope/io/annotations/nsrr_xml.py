"""NSRR XML annotations (``<PSGAnnotation>``, as the National Sleep Research Resource ships them).

Layout::

    <PSGAnnotation>
      <EpochLength>30</EpochLength>
      <ScoredEvents>
        <ScoredEvent>
          <EventType>Stages|Stages</EventType>
          <EventConcept>Stage 2 sleep|2</EventConcept>
          <Start>30.0</Start>
          <Duration>60.0</Duration>
        </ScoredEvent>
        <ScoredEvent>
          <EventType>Limb Movement|Limb Movement</EventType>
          <EventConcept>Limb movement - left|Limb Movement (Left)</EventConcept>
          <Start>123.4</Start> <Duration>2.1</Duration> <SignalLocation>L Leg</SignalLocation>
        </ScoredEvent>
        ...

Stage events (``EventType`` ``Stages|Stages``) become the hypnogram; every other concept is
looked up in the event vocabulary (first the part before ``|``, then the part after it).
"""

from __future__ import annotations

from pathlib import Path
from xml.etree.ElementTree import Element

from twitchscope.errors import InputFileError
from twitchscope.io.annotations.collect import Collector
from twitchscope.io.annotations.model import Annotations
from twitchscope.io.annotations.vocabulary import (
    IGNORED_LABELS,
    NSRR_STAGE_CONCEPTS,
    event_of,
    leg_of_channel,
    normalize_label,
    stage_of,
)
from twitchscope.io.annotations.xml_safe import (
    check_root,
    child_text,
    epoch_length_of,
    event_times,
    find_child,
    local_tag,
    parse_xml,
)

ROOT_TAG = "PSGAnnotation"


def read_nsrr_xml(
    path: str | Path,
    *,
    recording_duration: float | None = None,
    epoch_length: float = 30.0,
    root: Element | None = None,
) -> Annotations:
    """Read an NSRR XML annotation file.

    Parameters
    ----------
    path : path-like
        The ``.xml`` file.
    recording_duration : float, optional
        Length of the recording in seconds, to check that the annotations fit it.
    epoch_length : float
        Epoch length in seconds when the file has no ``<EpochLength>``.
    root : Element, optional
        The already parsed root (the format sniffer parses once).

    Raises
    ------
    InputFileError
        Hostile or malformed XML, a wrong root element, no ``<ScoredEvents>``, an event without
        concept or start, non-numeric or negative times, overlapping stages, or annotations that
        do not fit the recording.
    """
    source = str(path)
    if root is None:
        root = parse_xml(path)
    check_root(source, root, ROOT_TAG, "NSRR XML")
    epoch = epoch_length_of(source, root, epoch_length)
    events = find_child(root, "ScoredEvents")
    if events is None:
        raise InputFileError(source, "NSRR XML has no <ScoredEvents> element")
    collector = Collector(source, "nsrr-xml", epoch)
    for number, event in enumerate(events, start=1):
        if local_tag(event) == "ScoredEvent":
            _add_event(collector, event, number)
    return collector.finish(recording_duration)


def _add_event(collector: Collector, event: Element, number: int) -> None:
    source = collector.source
    concept = child_text(event, "EventConcept")
    if concept is None:
        raise InputFileError(source, f"ScoredEvent #{number} has no <EventConcept>")
    parts = [p.strip() for p in concept.split("|")]
    if normalize_label(parts[0]) in IGNORED_LABELS:
        return
    where = f"ScoredEvent #{number} ({concept!r})"
    start, duration = event_times(source, event, where)
    event_type = normalize_label(child_text(event, "EventType") or "")
    if event_type.startswith("stages"):
        stage = NSRR_STAGE_CONCEPTS.get(normalize_label(parts[0])) or stage_of(parts[0])
        if stage is None:
            collector.add_unknown_stage(start, duration, concept)
        else:
            collector.add_stage(start, duration, stage, concept)
        return
    for text in (parts[0], parts[-1], concept):
        found = event_of(text)
        if found is not None:
            leg = found.leg
            if found.kind == "limb_movement" and not leg:
                leg = leg_of_channel(child_text(event, "SignalLocation") or "")
            collector.add_event(start, duration, found.kind, leg, concept)
            return
    collector.add_unknown(start, duration, concept)
