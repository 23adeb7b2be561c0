"""Diary entries and CSV files: every bad value is an error naming the field (and line, file)."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest

from twitchscope.clinical.diary import load_diary, make_day, make_episode, read_diary_csv
from twitchscope.clinical.diary.csv_io import CSV_COLUMNS
from twitchscope.errors import InputFileError, ValidationError

GOOD = {"start": "2026-11-01 22:30", "locations": "calf", "kind": "twitch"}


def test_a_good_episode_is_normalised() -> None:
    e = make_episode(
        {
            **GOOD,
            "locations": ["Foot", "calf", "foot"],
            "side": "Both",
            "kind": "urge-to-move",
            "intensity": "7",
            "duration_s": "12.5",
            "context": "falling asleep",
            "note": "  x  ",
        }
    )
    assert e.locations == ("calf", "foot") and e.side == "both" and e.kind == "urge_to_move"
    assert (e.intensity, e.duration_s, e.context, e.note) == (7, 12.5, "falling_asleep", "x")
    assert e.start == datetime(2026, 11, 1, 22, 30)


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"start": ""}, "start", "missing"),
        ({"start": "yesterday"}, "start", "not a date and time"),
        ({"start": "2026-11-01T22:30:00+01:00"}, "start", "without a time zone"),
        ({"start": "1066-10-14 09:00"}, "start", "out of range"),
        ({"kind": ""}, "kind", "missing"),
        ({"kind": "spasm"}, "kind", "not one of"),
        ({"locations": ""}, "locations", "at least one"),
        ({"locations": "calf;knee"}, "locations", "'knee'"),
        ({"locations": 5}, "locations", "list of body locations"),
        ({"side": "middle"}, "side", "not one of"),
        ({"intensity": "11"}, "intensity", "outside 0-10"),
        ({"intensity": "4.5"}, "intensity", "not a whole number"),
        ({"intensity": True}, "intensity", "true/false"),
        ({"duration_s": "-1"}, "duration_s", "outside"),
        ({"duration_s": "nan"}, "duration_s", "finite"),
        ({"duration_s": "ten"}, "duration_s", "not a number"),
        ({"context": "driving"}, "context", "not one of"),
        ({"note": "x" * 3000}, "note", "longer than"),
        ({"colour": "red"}, "colour", "unknown episode field"),
    ],
)
def test_bad_episode_values_name_the_field(
    change: dict[str, object], field: str, words: str
) -> None:
    with pytest.raises(ValidationError) as info:
        make_episode({**GOOD, **change})
    assert info.value.field == field
    assert words in info.value.problem


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"date": ""}, "date", "missing"),
        ({"date": "2026-13-01"}, "date", "not a date"),
        ({"caffeine_cups": "-1"}, "caffeine_cups", "outside"),
        ({"alcohol_units": "lots"}, "alcohol_units", "not a number"),
        ({"stress": "12"}, "stress", "outside 0-10"),
        ({"exercise_minutes": "2000"}, "exercise_minutes", "outside"),
        ({"heavy_exercise": "maybe"}, "heavy_exercise", "yes/no"),
        ({"sleep_hours": "25"}, "sleep_hours", "outside 0-24"),
        ({"medications": "none;ibuprofen"}, "medications", "'none' cannot be combined"),
        ({"medications": "a\x01b"}, "medications", "control characters"),
        ({"mood": "3"}, "mood", "unknown daily factor"),
    ],
)
def test_bad_day_values_name_the_field(change: dict[str, object], field: str, words: str) -> None:
    with pytest.raises(ValidationError) as info:
        make_day({"date": "2026-11-01", **change})
    assert info.value.field == field
    assert words in info.value.problem


def test_day_parsing() -> None:
    d = make_day({"date": date(2026, 11, 1), "heavy_exercise": "no", "medications": "B; a ;b"})
    assert d.heavy_exercise is False and d.medications == ("a", "B", "b")
    assert make_day({"date": "2026-11-01", "medications": "None"}).medications == ()
    empty = make_day({"date": "2026-11-01", "medications": ""})
    assert empty.medications is None and empty.is_empty()


def _csv(tmp_path: Path, text: str | bytes) -> Path:
    path = tmp_path / "diary.csv"
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("content", "words"),
    [
        ("", "is empty"),
        ("start,kind\n", "no 'record' column"),
        ("record,start,colour\n", "unknown column 'colour'"),
        ("record,start,start\n", "appears twice"),
        (b"record,start\n\xff\xfe,\n", "not UTF-8"),
        (b"record\x00,start\n", "binary"),
    ],
)
def test_bad_csv_files_name_the_file(tmp_path: Path, content: str | bytes, words: str) -> None:
    path = _csv(tmp_path, content)
    with pytest.raises(InputFileError, match=words) as info:
        read_diary_csv(path)
    assert info.value.path == str(path)


def test_missing_csv(tmp_path: Path) -> None:
    with pytest.raises(InputFileError, match="no such file"):
        load_diary(tmp_path / "nope.csv")


def test_csv_rows_are_checked_with_line_numbers(tmp_path: Path) -> None:
    text = (
        "record,start,locations,kind,note,date,stress\n"
        'episode,2026-11-01 22:00,calf,twitch,"two\nlines",,\n'  # lines 2-3
        "episode,2026-11-01 23:00,calf,twitch,,,5\n"  # line 4: stress on an episode row
        "visit,,,,,,\n"  # line 5
        "day,,,,,2026-11-01\n"  # line 6: too few cells
        "\n"
        "day,,,,,2026-11-02,4\n"  # line 8: fine
    )
    with pytest.raises(InputFileError) as info:
        read_diary_csv(_csv(tmp_path, text))
    message = str(info.value)
    assert "line 4: stress: belongs to day rows" in message
    assert "line 5: record: 'visit'" in message
    assert "line 6: 6 cells, the header has 7" in message
    assert "line 2" not in message and "line 8" not in message


def test_a_subset_of_columns_in_any_order_is_read(tmp_path: Path) -> None:
    text = "kind,record,locations,start\ntwitch,episode,calf;thigh,2026-11-01 21:00\n"
    parsed = read_diary_csv(_csv(tmp_path, "\ufeff" + text))
    ((line, entry),) = parsed.episodes
    assert line == 2 and entry.locations == ("calf", "thigh") and entry.side is None
    assert set(CSV_COLUMNS) >= {"record", "start", "date", "medications"}
