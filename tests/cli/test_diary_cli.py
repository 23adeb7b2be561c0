"""``twitchscope diary ...`` through main() and once through a real process."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest

from twitchscope.cli import main
from twitchscope.clinical.diary import DiaryStore, load_diary


def add_args(db: Path, start: str, *extra: str) -> list[str]:
    return [
        "diary",
        "add",
        "--db",
        str(db),
        "--start",
        start,
        "--location",
        "calf",
        "--kind",
        "twitch",
        *extra,
    ]


def test_add_list_export_import_patterns(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("COLUMNS", "200")  # rich tables: room for every column
    db = tmp_path / "d.sqlite"
    assert (
        main(
            add_args(
                db,
                "2026-11-01 22:30",
                "--duration",
                "20",
                "--side",
                "left",
                "--intensity",
                "4",
                "--context",
                "resting",
                "-l",
                "foot",
                "--note",
                "after a long walk",
            )
        )
        == 0
    )
    assert "added episode 1: twitch at 2026-11-01 22:30 (calf, foot)" in capsys.readouterr().out
    assert (
        main(
            [
                "diary",
                "add-day",
                "--db",
                str(db),
                "--date",
                "2026-11-01",
                "--caffeine",
                "3",
                "--stress",
                "6",
                "-m",
                "ibuprofen",
                "--heavy-exercise",
            ]
        )
        == 0
    )
    assert (
        main(["diary", "add-day", "--db", str(db), "--date", "2026-11-01", "--sleep-hours", "6.5"])
        == 0
    )
    capsys.readouterr()
    with DiaryStore(db) as store:
        ((_, stored),) = store.episodes()
    assert stored.locations == ("calf", "foot") and stored.note == "after a long walk"
    (day,) = load_diary(db).day_entries()
    assert (
        day.caffeine_cups,
        day.stress,
        day.sleep_hours,
        day.heavy_exercise,
        day.medications,
    ) == (3.0, 6, 6.5, True, ("ibuprofen",))

    assert main(["diary", "list", "--db", str(db)]) == 0
    listed = capsys.readouterr().out
    assert "2026-11-01 22:30" in listed and "ibuprofen" in listed
    assert "1 episode(s), 1 day(s)" in listed

    out = tmp_path / "d.csv"
    assert main(["diary", "export", "--db", str(db), str(out)]) == 0
    assert "wrote 1 episode(s) and 1 day(s)" in capsys.readouterr().out
    first = out.read_text()
    assert main(["diary", "export", "--db", str(db), str(out)]) == 2  # no silent overwrite
    assert "--force" in capsys.readouterr().err
    assert out.read_text() == first

    copy = tmp_path / "copy.sqlite"
    assert main(["diary", "import", "--db", str(copy), str(out)]) == 0
    assert "imported 1 episode(s) and 1 day(s)" in capsys.readouterr().out
    again = tmp_path / "again.csv"
    assert main(["diary", "export", "--db", str(copy), str(again)]) == 0
    assert again.read_text() == first
    capsys.readouterr()

    assert main(["diary", "patterns", "--db", str(db), "--json", "--today", "2026-11-02"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["n_episodes"] == 1 and data["hourly_profile"][22] == 1
    assert data["days_affected_last_90"] == 1 and data["chronic"] is None
    assert data["source"].endswith("d.sqlite")
    assert main(["diary", "patterns", "--db", str(out)]) == 0  # the CSV, read-only
    printed = capsys.readouterr()
    assert "Diary patterns" in printed.out and "too few days to say" in printed.out
    assert "about 2 weeks give a baseline" in printed.err


def test_bad_input_is_one_line_and_changes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "d.sqlite"
    assert main(add_args(db, "2026-11-01 22:30")) == 0
    before = load_diary(db).episode_entries()
    capsys.readouterr()
    for args, words in [
        (add_args(db, "2026-11-02 22:30", "--intensity", "12"), "intensity: 12 is outside 0-10"),
        (add_args(db, "2026-11-02 22:30", "--side", "up"), "side: 'up' is not one of"),
        (add_args(db, "tomorrow"), "start: 'tomorrow' is not a date and time"),
        (["diary", "add-day", "--db", str(db), "--date", "2026-11-01"], "at least one factor"),
        (["diary", "add-day", "--db", str(db), "--date", "2026-11-01", "--stress", "11"], "stress"),
        (["diary", "delete", "--db", str(db), "--id", "99"], "no episode with id 99"),
        (["diary", "list", "--db", str(tmp_path / "none.sqlite")], "no diary here"),
    ]:
        assert main(args) == 2, args
        err = capsys.readouterr().err
        assert words in " ".join(err.split()), (args, err)
        assert "Traceback" not in err
    assert load_diary(db).episode_entries() == before
    assert load_diary(db).days.empty


def test_import_of_a_bad_file_lists_the_lines_and_imports_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "d.sqlite"
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "record,start,locations,kind,date,stress\n"
        "episode,2026-11-01 22:00,calf,twitch,,\n"
        "episode,2026-11-01 23:00,knee,twitch,,\n"
        "day,,,,2026-11-01,99\n"
    )
    assert main(["diary", "import", "--db", str(db), str(bad)]) == 2
    err = " ".join(capsys.readouterr().err.split())
    assert "line 3: locations" in err and "line 4: stress" in err and "nothing was imported" in err
    assert not db.exists()  # the file is checked before a database is created for it


def test_delete_and_default_diary_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "env.sqlite"
    monkeypatch.setenv("TWITCHSCOPE_DIARY", str(db))
    first = date(2026, 10, 1)
    for i in range(3):
        day = first + timedelta(days=i)
        assert (
            main(["diary", "add", "--start", f"{day} 21:00", "-l", "calf,thigh", "--kind", "cramp"])
            == 0
        )
        assert main(["diary", "add-day", "--date", str(day), "--alcohol", "1"]) == 0
    assert main(["diary", "delete", "--id", "2"]) == 0
    assert main(["diary", "delete", "--date", "2026-10-03"]) == 0
    assert main(["diary", "delete", "--id", "1", "--date", "2026-10-01"]) == 2
    diary = load_diary(db)
    assert list(diary.episodes["id"]) == [1, 3]
    assert [d.isoformat() for d in diary.days["date"]] == ["2026-10-01", "2026-10-02"]
    assert diary.episodes["locations"][0] == ("calf", "thigh")
    capsys.readouterr()


def test_patterns_in_a_real_process(tmp_path: Path) -> None:
    csv_path = tmp_path / "diary.csv"
    rows = ["record,start,locations,kind"]
    rows += [f"episode,2026-10-{d:02d} 23:30,calf,twitch" for d in range(1, 29)]
    csv_path.write_text("\n".join(rows) + "\n")
    exe = Path(sys.executable).with_name("twitchscope")
    proc = subprocess.run(
        [str(exe), "diary", "patterns", "--db", str(csv_path), "--json", "--today", "2026-10-28"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["n_episodes"] == 28 and data["evening_night_peak"] is True
    assert data["trend"] == "stable" and data["locations"] == ["calf"]
