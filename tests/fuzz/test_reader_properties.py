"""Property tests: every reader meets hostile input with a TwitchscopeError or a sane result.

For each input format, hypothesis mutates a real file of the seed corpus (a simulated night) or
generates documents from hostile pieces (huge, negative and non-finite numbers, markup, control
characters, deep nesting, duplicate keys...). The only acceptable outcomes are a
:class:`~twitchscope.errors.TwitchscopeError` (which the command line prints as a one-line
message) or a result whose times are finite and whose sizes are bounded. Python and numpy
warnings are errors here: a reader must not spray ``RuntimeWarning: overflow`` at a user.

The number of examples is kept small so this file stays within a few tens of seconds;
``make fuzz`` runs the long, whole-command version.
"""

from __future__ import annotations

import math
import os
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from seeds import (
    FIXED_FIELDS,
    SIGNAL_FIELDS,
    Corpus,
    labels,
    set_field,
    signal_field,
)

from twitchscope.errors import TwitchscopeError
from twitchscope.io.annotations import annotations_from_descriptions, read_annotations
from twitchscope.io.annotations.model import Annotations
from twitchscope.io.edf_tal import parse_tals, record_onset
from twitchscope.io.recording import open_recording

#: Examples per property: small in ``make test``; ``make fuzz`` sets TWITCHSCOPE_FUZZ_EXAMPLES.
EXAMPLES = int(os.environ.get("TWITCHSCOPE_FUZZ_EXAMPLES", "40"))
SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

#: Numbers and number-like texts that broke or could break readers.
HOSTILE_NUMBERS = [
    "0", "-0", "1", "-1", "30", "0.5", "1e-300", "-1e-300", "1e12", "-1e12", "1e20", "1e308",
    "-1e308", "1e309", "nan", "NaN", "inf", "-inf", "Infinity", "", " ", "+", "-", ".", "1e",
    "0x10", "1,5", "1_000", "٣", "9" * 400, "1" * 5000, "00000000", "99999999", "-99999999",
]  # fmt: skip
#: Texts that broke or could break printers and parsers.
HOSTILE_TEXT = [
    "", " ", "[/]", "[bold red]x[/]", "[link=file:///etc/passwd]x[/link]", "<b>x</b>", "&amp;",
    "\x00", "\x14", "\x15", "\x1b[31m", "\u202e", "é", "µV", "Sleep stage N2", "Arousal",
    "Obstructive Apnea", "Leg L", "LM", "Stage 2 sleep|2", "Wake|0", "x" * 3000, "'", '"',
    "\\", "%s%n", "{0}", "\r\n",
]  # fmt: skip
numbers = st.one_of(
    st.sampled_from(HOSTILE_NUMBERS),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.integers(-(10**12), 10**12).map(str),
)
texts = st.one_of(st.sampled_from(HOSTILE_TEXT), st.text(max_size=40))


@contextmanager
def strict() -> Iterator[None]:
    """Warnings (numpy overflow, pandas, ...) raise, so the test sees them."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        yield


def check_annotations(ann: Annotations) -> None:
    """A successful read has finite, bounded times."""
    ev = ann.events
    assert np.all(np.isfinite(ev["onset"].to_numpy(float)))
    assert np.all(ev["duration"].to_numpy(float) >= 0)
    if ann.hypnogram is not None:
        assert ann.hypnogram.n_epochs <= 600_000
        assert math.isfinite(ann.hypnogram.offset)


def read_only_our_errors(read: Callable[[], Any]) -> Any:
    """Call ``read``; a TwitchscopeError is fine (returns None), anything else fails the test."""
    with strict():
        try:
            return read()
        except TwitchscopeError as exc:
            assert str(exc)  # a message that says something
            return None


# --- EDF / BDF header -----------------------------------------------------------------------


field_edits = st.one_of(
    st.tuples(st.sampled_from(sorted(FIXED_FIELDS)), st.none(), st.one_of(numbers, texts)),
    st.tuples(
        st.sampled_from(sorted(SIGNAL_FIELDS)),
        st.sampled_from(["Leg L", "Leg R", "ECG", "TAL", "SpO2"]),
        st.one_of(numbers, texts),
    ),
)


def _read_recording(path: Path) -> None:
    with open_recording(path) as rec:
        for ch in rec.channels:
            assert math.isfinite(ch.fs) and ch.n_samples >= 0
        try:
            left, right = rec.legs()
        except TwitchscopeError:
            pass
        else:
            assert left.data.dtype == np.float32 and right.data.size > 0
        raw = rec.raw_annotations()
        assert np.all(np.isfinite(raw["onset"].to_numpy(float)))


@pytest.mark.parametrize("kind", ["edf", "bdf"])
@SETTINGS
@given(edits=st.lists(field_edits, min_size=1, max_size=3))
def test_edf_header_fields(
    corpus: Corpus, tmp_path: Path, kind: str, edits: list[tuple[str, str | None, str]]
) -> None:
    src = corpus.edf if kind == "edf" else corpus.bdf
    original = src.read_bytes()
    data = bytearray(original)
    names = labels(original)
    for field, label, value in edits:
        if label is None:
            off, width = FIXED_FIELDS[field]
        else:  # offsets of the unedited header: an edited signal count must not move them
            label = next(n for n in names if n.endswith("Annotations")) if label == "TAL" else label
            off, width = signal_field(original, field, names.index(label))
        set_field(data, off, width, value.encode("utf-8", errors="replace"))
    path = tmp_path / f"h.{kind}"
    path.write_bytes(bytes(data))
    read_only_our_errors(lambda: _read_recording(path))


@SETTINGS
@given(
    cut=st.integers(0, 20_000),
    flips=st.lists(st.tuples(st.integers(0, 3_000_000), st.integers(0, 255)), max_size=40),
)
def test_edf_truncated_and_flipped_bytes(
    corpus: Corpus, tmp_path: Path, cut: int, flips: list[tuple[int, int]]
) -> None:
    data = bytearray(corpus.edf.read_bytes())
    for pos, value in flips:
        data[pos % len(data)] = value
    if cut:
        data = data[: max(len(data) - cut * 97, 0)]
    path = tmp_path / "f.edf"
    path.write_bytes(bytes(data))
    read_only_our_errors(lambda: _read_recording(path))
    ann = read_only_our_errors(lambda: read_annotations(path))
    if ann is not None:
        check_annotations(ann)


# --- EDF+ TAL ---------------------------------------------------------------------------------


tal_pieces = st.sampled_from(
    [
        b"+",
        b"-",
        b"0",
        b"1e308",
        b"12.5",
        b"\x14",
        b"\x15",
        b"\x00",
        b"Sleep stage W",
        b"\xff",
        b"+0\x14\x14\x00",
        b"+30\x14\x14Lights off\x14\x00",
        b"+1\x152\x14N2\x14W\x14\x00",
    ]
)


@SETTINGS
@given(raw=st.lists(tal_pieces, max_size=40).map(b"".join), junk=st.binary(max_size=60))
def test_tal_parser(raw: bytes, junk: bytes) -> None:
    with strict():
        tals = parse_tals(raw + junk)
        for tal in tals:
            assert isinstance(tal.onset, float) and isinstance(tal.texts, tuple)
        # the fast path that skips time-keeping TALs finds exactly the TALs with texts
        assert parse_tals(raw + junk, timekeeping=False) == [t for t in tals if t.texts]
        with suppress(ValueError):
            record_onset(raw)


@SETTINGS
@given(
    rows=st.lists(
        st.tuples(numbers, st.one_of(st.none(), numbers), texts), min_size=1, max_size=12
    ),
    duration=st.one_of(st.none(), st.sampled_from([60.0, 720.0, 28_800.0])),
)
def test_edf_plus_annotation_texts(
    rows: list[tuple[str, str | None, str]], duration: float | None
) -> None:
    onsets = [r[0] for r in rows]
    durations = [r[1] for r in rows]
    ann = read_only_our_errors(
        lambda: annotations_from_descriptions(
            onsets,
            durations,
            [r[2] for r in rows],
            source="x.edf",
            recording_duration=duration,
        )
    )
    if ann is not None:
        check_annotations(ann)


# --- XML ------------------------------------------------------------------------------------


def _xml_event(fmt: str, name: str, start: str, duration: str) -> str:
    if fmt == "nsrr":
        return (
            f"<ScoredEvent><EventType>x</EventType><EventConcept>{name}</EventConcept>"
            f"<Start>{start}</Start><Duration>{duration}</Duration></ScoredEvent>"
        )
    return (
        f"<ScoredEvent><Name>{name}</Name><Start>{start}</Start>"
        f"<Duration>{duration}</Duration></ScoredEvent>"
    )


xml_text = st.one_of(texts, numbers).map(
    lambda t: t.replace("&", "&amp;").replace("<", "&lt;").replace("\x00", "")
)
xml_events = st.lists(
    st.tuples(
        st.sampled_from(["Wake|0", "Stage 2 sleep|2", "Arousal (ASDA)", "Hypopnea", "Leg L"])
        | xml_text,
        numbers.map(lambda t: t.replace("&", "")),
        numbers.map(lambda t: t.replace("&", "")),
    ),
    max_size=8,
)
xml_extras = st.sampled_from(
    [
        "",
        "<!DOCTYPE x [<!ENTITY a 'b'>]>",
        '<xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="/etc/passwd"/>',
        "<a>" * 80 + "</a>" * 80,
        "<![CDATA[ ]]>",
        "<!-- [/] -->",
        "<unclosed>",
    ]
)


@pytest.mark.parametrize("fmt", ["nsrr", "profusion"])
@SETTINGS
@given(
    events=xml_events,
    epoch=numbers.map(lambda t: t.replace("&", "")),
    stage_codes=st.lists(st.one_of(st.integers(-3, 12).map(str), xml_text), max_size=30),
    extra=xml_extras,
    duration=st.one_of(st.none(), st.just(720.0)),
)
def test_xml_documents(
    tmp_path: Path,
    fmt: str,
    events: list[tuple[str, str, str]],
    epoch: str,
    stage_codes: list[str],
    extra: str,
    duration: float | None,
) -> None:
    root = "PSGAnnotation" if fmt == "nsrr" else "CMPStudyConfig"
    body = "".join(_xml_event(fmt, *ev) for ev in events)
    stages = "".join(f"<SleepStage>{c}</SleepStage>" for c in stage_codes)
    doc = (
        f"<{root}>{extra}<EpochLength>{epoch}</EpochLength><ScoredEvents>{body}</ScoredEvents>"
        + (f"<SleepStages>{stages}</SleepStages>" if fmt == "profusion" else "")
        + f"</{root}>"
    )
    path = tmp_path / "a.xml"
    path.write_text(doc, encoding="utf-8")
    ann = read_only_our_errors(lambda: read_annotations(path, recording_duration=duration))
    if ann is not None:
        check_annotations(ann)


@SETTINGS
@given(
    flips=st.lists(
        st.tuples(st.integers(0, 10**6), st.sampled_from(list(b"<>/&\"'x0 \x00"))),
        min_size=1,
        max_size=10,
    ),
    fmt=st.sampled_from(["nsrr", "profusion"]),
)
def test_xml_corpus_mutations(
    corpus: Corpus, tmp_path: Path, flips: list[tuple[int, int]], fmt: str
) -> None:
    src = corpus.nsrr if fmt == "nsrr" else corpus.profusion
    data = bytearray(src.read_bytes())
    for pos, value in flips:
        data[pos % len(data)] = value
    path = tmp_path / "m.xml"
    path.write_bytes(bytes(data))
    ann = read_only_our_errors(lambda: read_annotations(path, recording_duration=corpus.duration))
    if ann is not None:
        check_annotations(ann)


# --- text tables: BIDS events, CSV hypnograms, event tables, reference movements -------------


cells = st.one_of(numbers, texts).map(lambda t: t.replace("\t", " ").replace("\n", " "))


@pytest.mark.parametrize(
    ("header", "name"),
    [
        ("onset\tduration\ttrial_type", "events.tsv"),
        ("onset\tduration\tvalue", "events.tsv"),
        ("epoch,stage", "h.csv"),
        ("onset,stage", "h.csv"),
        ("onset,duration,stage", "h.csv"),
        ("stage", "h.csv"),
        ("onset,duration,kind,leg,label", "e.csv"),
        ("leg,onset,duration", "m.csv"),
    ],
)
@SETTINGS
@given(rows=st.lists(st.lists(cells, min_size=0, max_size=4), max_size=12))
def test_text_tables(tmp_path: Path, header: str, name: str, rows: list[list[str]]) -> None:
    sep = "\t" if name.endswith(".tsv") else ","
    lines = [header] + [sep.join(c.replace(sep, " ") for c in row) for row in rows]
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    for duration in (None, 720.0):
        ann = read_only_our_errors(lambda d=duration: read_annotations(path, recording_duration=d))
        if ann is not None:
            check_annotations(ann)
            mv = read_only_our_errors(ann.leg_movements)
            if mv is not None:
                assert isinstance(mv, pd.DataFrame)


@SETTINGS
@given(
    which=st.sampled_from(["bids", "csv_hypnogram", "events_csv", "movements_csv"]),
    line=st.integers(0, 60),
    column=st.integers(0, 5),
    value=cells,
)
def test_text_table_corpus_cells(
    corpus: Corpus, tmp_path: Path, which: str, line: int, column: int, value: str
) -> None:
    src: Path = getattr(corpus, which)
    sep = "\t" if src.suffix == ".tsv" else ","
    lines = src.read_text().splitlines()
    row = lines[line % len(lines)].split(sep)
    row[column % len(row)] = value.replace(sep, " ")
    lines[line % len(lines)] = sep.join(row)
    path = tmp_path / src.name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    ann = read_only_our_errors(lambda: read_annotations(path, recording_duration=corpus.duration))
    if ann is not None:
        check_annotations(ann)
