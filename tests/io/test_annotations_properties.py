"""Property tests: written hypnograms and events read back identical; junk only raises our error."""

from __future__ import annotations

from pathlib import Path

from annotation_files import (
    runs,
    write_csv_hypnogram,
    write_edf_hypnogram,
    write_nsrr,
    write_profusion,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from twitchscope.errors import TwitchscopeError
from twitchscope.hypnogram import Hypnogram
from twitchscope.io.annotations import annotations_from_descriptions, read_annotations
from twitchscope.stages import STAGES

stage_lists = st.lists(st.sampled_from(STAGES), min_size=1, max_size=80)
epoch_lengths = st.sampled_from([20.0, 30.0])
SETTINGS = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@SETTINGS
@given(stages=stage_lists, epoch=epoch_lengths, header=st.sampled_from(["stage", "epoch,stage"]))
def test_csv_round_trip(tmp_path: Path, stages: list[str], epoch: float, header: str) -> None:
    path = write_csv_hypnogram(tmp_path / "h.csv", stages, header=header, epoch_length=epoch)
    hyp = read_annotations(path, epoch_length=epoch).require_hypnogram()
    assert hyp == Hypnogram(tuple(stages), epoch_length=epoch)


@SETTINGS
@given(stages=stage_lists, epoch=epoch_lengths)
def test_nsrr_round_trip(tmp_path: Path, stages: list[str], epoch: float) -> None:
    path = write_nsrr(tmp_path / "n.xml", stages, epoch_length=epoch)
    hyp = read_annotations(path, recording_duration=len(stages) * epoch).require_hypnogram()
    assert hyp == Hypnogram(tuple(stages), epoch_length=epoch)


@SETTINGS
@given(stages=stage_lists, epoch=epoch_lengths)
def test_profusion_round_trip(tmp_path: Path, stages: list[str], epoch: float) -> None:
    path = write_profusion(tmp_path / "p.xml", stages, epoch_length=epoch)
    hyp = read_annotations(path).require_hypnogram()
    assert hyp == Hypnogram(tuple(stages), epoch_length=epoch)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(stages=stage_lists)
def test_edf_round_trip(tmp_path: Path, stages: list[str]) -> None:
    path = write_edf_hypnogram(tmp_path / "h.edf", stages)
    hyp = read_annotations(path).require_hypnogram()
    assert hyp == Hypnogram(tuple(stages))


@SETTINGS
@given(stages=stage_lists)
def test_descriptions_one_per_epoch_equal_runs(stages: list[str]) -> None:
    """Stage texts without durations, one per epoch, give the same hypnogram as the runs."""
    texts = {"W": "Wake", "N1": "Stage 1", "N2": "Stage 2", "N3": "Stage 3"}
    texts |= {"R": "REM", "UNS": "Movement time"}
    per_epoch = annotations_from_descriptions(
        [30.0 * i for i in range(len(stages))],
        [None] * len(stages),
        [texts[s] for s in stages],
        source="x",
    )
    as_runs = annotations_from_descriptions(
        *zip(*[(o, d, texts[s]) for o, d, s in runs(stages)], strict=True), source="x"
    )
    assert per_epoch.require_hypnogram() == as_runs.require_hypnogram()


EVENT_CONCEPTS = {
    "Obstructive apnea|Obstructive Apnea": ("obstructive_apnea", ""),
    "Hypopnea|Hypopnea": ("hypopnea", ""),
    "Arousal|Arousal ()": ("arousal", ""),
    "Limb movement - left|Limb Movement (Left)": ("limb_movement", "left"),
    "Limb movement - right|Limb Movement (Right)": ("limb_movement", "right"),
}
events_strategy = st.lists(
    st.tuples(
        st.floats(0, 3000, allow_nan=False).map(lambda x: round(x, 3)),
        st.floats(0, 60, allow_nan=False).map(lambda x: round(x, 3)),
        st.sampled_from(sorted(EVENT_CONCEPTS)),
    ),
    max_size=30,
)


@SETTINGS
@given(events=events_strategy)
def test_nsrr_events_round_trip(tmp_path: Path, events: list[tuple[float, float, str]]) -> None:
    path = write_nsrr(tmp_path / "e.xml", ["W"], events)
    got = read_annotations(path).events
    expected = sorted([(o, d, *EVENT_CONCEPTS[c]) for o, d, c in events], key=lambda row: row[0])
    assert sorted(map(tuple, got[["onset", "duration", "kind", "leg"]].values.tolist())) == sorted(
        expected
    )
    assert got["onset"].is_monotonic_increasing


suffixes = st.sampled_from(["", ".xml", ".csv", ".tsv", ".txt", ".edf"])
prefixes = st.sampled_from(
    [
        b"",
        b"<",
        b"<PSGAnnotation><ScoredEvents>",
        b"<CMPStudyConfig><SleepStages>",
        b"stage\n",
        b"onset\tduration\ttrial_type\n",
        b"leg,onset,duration\n",
        b"0       ",
    ]
)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(prefix=prefixes, body=st.binary(max_size=300), suffix=suffixes)
def test_random_bytes_raise_only_twitchscope_errors(
    tmp_path: Path, prefix: bytes, body: bytes, suffix: str
) -> None:
    path = tmp_path / f"junk{suffix}"
    path.write_bytes(prefix + body)
    try:
        read_annotations(path)
    except TwitchscopeError as exc:
        assert str(path) in str(exc) or "format" in str(exc)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    prefix=prefixes,
    body=st.text(alphabet=st.sampled_from(list("WNR123?<>/,;\t\n .-|aeo")), max_size=200),
)
def test_random_text_raises_only_twitchscope_errors(
    tmp_path: Path, prefix: bytes, body: str
) -> None:
    path = tmp_path / "junk.txt"
    path.write_bytes(prefix + body.encode())
    try:
        read_annotations(path, recording_duration=3600.0)
    except TwitchscopeError as exc:
        assert str(path) in str(exc)
