"""The diary store and CSV import/export against a real SQLite file and, when a server answers,
a real PostgreSQL database.

PostgreSQL: the tests use ``$TWITCHSCOPE_TEST_POSTGRES_URL`` or, when unset, the fixed local URL
that ``scripts/setup_system.sh`` prepares; the ``postgres`` cases skip, with the reason,
when nothing answers there (in CI that is a failure, see tests/conftest.py).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from twitchscope.clinical.diary import (
    DayEntry,
    DiaryImportError,
    DiaryStore,
    EpisodeEntry,
    compute_patterns,
    export_csv,
    import_csv,
    load_diary,
    make_day,
    make_episode,
)
from twitchscope.clinical.diary.csv_io import diary_csv_text
from twitchscope.clinical.diary.models import SCHEMA_VERSION
from twitchscope.errors import InputFileError, ValidationError

DEFAULT_PG_URL = "postgresql+psycopg://twitchscope:twitchscope@127.0.0.1:5432/twitchscope_test"
PG_URL = os.environ.get("TWITCHSCOPE_TEST_POSTGRES_URL", DEFAULT_PG_URL)


def _postgres_problem() -> str | None:
    try:
        import psycopg
    except ImportError:
        return "psycopg is not installed"
    dsn = PG_URL.replace("postgresql+psycopg://", "postgresql://")
    try:
        with psycopg.connect(dsn, connect_timeout=2):
            return None
    except psycopg.Error as exc:
        return f"no PostgreSQL server at the test URL: {str(exc).splitlines()[0]}"


@pytest.fixture(scope="module")
def postgres_url() -> str:
    problem = _postgres_problem()
    if problem:
        pytest.skip(problem)
    return PG_URL


def _in_schema(url: str, schema: str) -> str:
    """``url`` with its connections using ``schema`` (search_path) first."""
    from sqlalchemy.engine import make_url

    u = make_url(url)
    return u.update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(
        hide_password=False
    )


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def target(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """Where a fresh, empty diary lives: a SQLite file, or a new schema of its own in the
    PostgreSQL test database (never the shared ``public`` schema: test runs in other checkouts
    use the same database at the same time)."""
    if request.param == "sqlite":
        yield str(tmp_path / "diary.sqlite")
        return
    url = request.getfixturevalue("postgres_url")
    schema = f"diary_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(url)
    try:
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        yield _in_schema(url, schema)
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()


def episode(start: str, **kw: object) -> EpisodeEntry:
    raw: dict[str, object] = {"start": start, "locations": "calf", "kind": "twitch"}
    raw.update(kw)
    return make_episode(raw)


EPISODES = [
    episode(
        "2026-11-01 22:30",
        duration_s=20,
        locations="calf;foot",
        side="left",
        intensity=4,
        context="resting",
        note='first one, "odd"\nsecond line; ünïcode',
    ),
    episode("2026-11-02 02:15:07", duration_s=0.1, kind="urge_to_move", side="both"),
    episode("2026-11-03 07:00", kind="cramp", locations="toe", intensity=0, context="asleep"),
]
DAYS = [
    make_day({"date": "2026-11-01", "caffeine_cups": 3, "stress": 6, "medications": "none"}),
    make_day(
        {
            "date": "2026-11-02",
            "alcohol_units": 2.5,
            "exercise_minutes": 45,
            "heavy_exercise": "yes",
            "sleep_hours": 6.25,
            "medications": "ibuprofen; Vitamin D",
        }
    ),
    make_day({"date": "2026-11-03", "sleep_hours": 0.1}),
]


def fill(store: DiaryStore) -> None:
    for e in EPISODES:
        store.add_episode(e)
    for d in DAYS:
        store.add_day(d)


def snapshot(target: str) -> tuple[list[EpisodeEntry], list[DayEntry]]:
    with DiaryStore(target, create=False) as store:
        return [e for _, e in store.episodes()], store.days()


def test_add_and_list_round_trip(target: str) -> None:
    with DiaryStore(target) as store:
        ids = [store.add_episode(e) for e in EPISODES]
        for d in DAYS:
            store.add_day(d)
        assert store.schema_version() == SCHEMA_VERSION
    assert len(set(ids)) == 3
    episodes, days = snapshot(target)  # a new connection reads what was committed
    assert episodes == sorted(EPISODES, key=lambda e: e.start)
    assert days == DAYS
    assert days[0].medications == () and days[2].medications is None


def test_add_day_merges_into_the_stored_day(target: str) -> None:
    with DiaryStore(target) as store:
        store.add_day(make_day({"date": "2026-11-01", "caffeine_cups": 2, "stress": 3}))
        merged = store.add_day(make_day({"date": "2026-11-01", "stress": 7}))
    assert merged.caffeine_cups == 2.0 and merged.stress == 7
    assert snapshot(target)[1] == [merged]


def test_diary_frames_and_diary_day(target: str) -> None:
    with DiaryStore(target) as store:
        fill(store)
    diary = load_diary(target)
    assert list(diary.episodes["kind"]) == ["twitch", "urge_to_move", "cramp"]
    # 02:15 on 2 Nov belongs to the diary day of 1 Nov (the day runs 06:00-06:00).
    assert list(diary.episodes["diary_day"]) == [
        date(2026, 11, 1),
        date(2026, 11, 1),
        date(2026, 11, 3),
    ]
    assert diary.episodes["start"].dtype.kind == "M"
    assert diary.episode_entries() == sorted(EPISODES, key=lambda e: e.start)
    assert diary.day_entries() == DAYS
    assert "twitchscope:***@" in diary.source or diary.source.endswith("diary.sqlite")


def test_export_import_round_trip_is_exact(target: str, tmp_path: Path) -> None:
    with DiaryStore(target) as store:
        fill(store)
        export_csv(store, tmp_path / "a.csv")
    copy = str(tmp_path / "copy.sqlite")
    with DiaryStore(copy) as store:
        result = import_csv(store, tmp_path / "a.csv")
        assert (result.episodes, result.days) == (3, 3)
        export_csv(store, tmp_path / "b.csv")
    assert (tmp_path / "a.csv").read_bytes() == (tmp_path / "b.csv").read_bytes()
    assert snapshot(copy) == snapshot(target)
    # The CSV itself loads (read-only) to the same diary.
    assert load_diary(tmp_path / "a.csv").day_entries() == DAYS


def test_import_with_bad_rows_reports_every_line_and_writes_nothing(
    target: str, tmp_path: Path
) -> None:
    with DiaryStore(target) as store:
        store.add_episode(EPISODES[0])
    before = snapshot(target)
    good = diary_csv_text(EPISODES[1:], DAYS[:1]).splitlines()
    lines = [
        *good,  # header, 2 episodes, 1 day: lines 1-4
        "episode,2026-11-05 21:00,10,knee,left,twitch,3,resting,,,,,,,,,",  # line 5
        "day,,,,,,,,,2026-11-06,2,,11,,,,",  # line 6: stress 11
        "episode,2026-11-07 21:00,10,calf,left,twitch,3,resting,,,,,,,,,",  # line 7: good
        "day,,,,,,,,,2026-11-01,1,,,,,,",  # line 8: 1 Nov given twice
        "episode,not a time,10,calf,left,twitch,3,resting,,,,,,,,,",  # line 9
    ]
    bad = tmp_path / "bad.csv"
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with DiaryStore(target) as store, pytest.raises(DiaryImportError) as info:
        import_csv(store, bad)
    problems = info.value.problems
    assert [p.split(":")[0] for p in problems] == ["line 5", "line 6", "line 8", "line 9"]
    assert "locations" in problems[0] and "'knee'" in problems[0]
    assert "stress" in problems[1]
    assert "already given on line 4" in problems[2]
    assert "start" in problems[3]
    assert str(bad) in str(info.value) and "nothing was imported" in str(info.value)
    assert snapshot(target) == before


def test_import_conflicts_with_stored_entries_change_nothing(target: str, tmp_path: Path) -> None:
    path = tmp_path / "d.csv"
    path.write_text(diary_csv_text(EPISODES, DAYS), encoding="utf-8")
    with DiaryStore(target) as store:
        import_csv(store, path)
    before = snapshot(target)
    # Same file again: every episode is already there.
    with DiaryStore(target) as store, pytest.raises(DiaryImportError) as info:
        import_csv(store, path)
    assert len(info.value.problems) == 3
    assert all("already in the diary" in p for p in info.value.problems)
    # A day that contradicts a stored factor is refused; a day that adds a factor is merged.
    other = tmp_path / "other.csv"
    other.write_text(
        diary_csv_text(
            [episode("2026-12-01 23:00")],
            [make_day({"date": "2026-11-01", "caffeine_cups": 5})],
        ),
        encoding="utf-8",
    )
    with DiaryStore(target) as store, pytest.raises(DiaryImportError, match="caffeine_cups"):
        import_csv(store, other)
    assert snapshot(target) == before
    extra = tmp_path / "extra.csv"
    extra.write_text(
        diary_csv_text([], [make_day({"date": "2026-11-01", "sleep_hours": 8})]),
        encoding="utf-8",
    )
    with DiaryStore(target) as store:
        import_csv(store, extra)
    merged = snapshot(target)[1][0]
    assert (merged.caffeine_cups, merged.stress, merged.sleep_hours) == (3.0, 6, 8.0)


def test_add_entries_is_all_or_nothing(target: str) -> None:
    with DiaryStore(target) as store:
        store.add_episode(EPISODES[0])
        before = snapshot(target)
        with pytest.raises(ValidationError, match="already in the diary"):
            store.add_entries([EPISODES[1], EPISODES[0]], DAYS)
    assert snapshot(target) == before


def test_delete(target: str) -> None:
    with DiaryStore(target) as store:
        fill(store)
        first_id = store.episodes()[0][0]
        assert store.delete_episode(first_id) == EPISODES[0]
        assert store.delete_day(date(2026, 11, 2)) == DAYS[1]
        with pytest.raises(ValidationError, match="no episode with id"):
            store.delete_episode(first_id)
        with pytest.raises(ValidationError, match="no factors recorded"):
            store.delete_day(date(2026, 11, 2))
    episodes, days = snapshot(target)
    assert len(episodes) == 2 and [d.date for d in days] == [date(2026, 11, 1), date(2026, 11, 3)]


def test_patterns_from_the_store(target: str) -> None:
    with DiaryStore(target) as store:
        for day in range(1, 29):
            store.add_episode(episode(f"2026-10-{day:02d} 23:00"))
    p = compute_patterns(load_diary(target), today=date(2026, 10, 28))
    assert p.n_episodes == 28 and p.evening_night_peak is True and p.trend == "stable"


def test_opening_a_new_diary_at_once_from_several_connections(target: str) -> None:
    """Two commands (or a command and the web app) opening a new diary at the same moment:
    both find no tables; without a lock on creation the second CREATE TABLE failed
    (PostgreSQL: duplicate ``pg_type_typname_nsp_index`` key; SQLite: table already exists)."""
    import threading

    n = 6
    barrier = threading.Barrier(n)
    errors: list[BaseException] = []

    def open_it() -> None:
        try:
            barrier.wait(timeout=30)
            DiaryStore(target).close()
        except BaseException as exc:  # collected and reported below
            errors.append(exc)

    threads = [threading.Thread(target=open_it) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    with DiaryStore(target, create=False) as store:
        assert store.schema_version() == SCHEMA_VERSION
        assert store.episodes() == []


# --- SQLite-only behaviour --------------------------------------------------------------


def test_missing_or_foreign_files_are_clear_errors(tmp_path: Path) -> None:
    with pytest.raises(InputFileError, match="no diary here"):
        DiaryStore(tmp_path / "none.sqlite", create=False)
    assert not (tmp_path / "none.sqlite").exists()
    junk = tmp_path / "junk.sqlite"
    junk.write_text("hello, this is not a database\n")
    with pytest.raises(InputFileError, match="not a SQLite diary"):
        DiaryStore(junk)
    with pytest.raises(InputFileError, match="is a directory"):
        DiaryStore(tmp_path)
    with pytest.raises(InputFileError, match="no diary here"):
        load_diary(tmp_path / "missing.sqlite")


def test_empty_sqlite_database_without_tables(tmp_path: Path) -> None:
    path = tmp_path / "other.sqlite"
    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE something (x INTEGER)"))
    engine.dispose()
    with pytest.raises(InputFileError, match="holds no twitchscope diary"):
        load_diary(path)


def test_newer_schema_version_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "d.sqlite"
    DiaryStore(path).close()
    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        conn.execute(text("UPDATE diary_schema SET version = :v"), {"v": SCHEMA_VERSION + 1})
    engine.dispose()
    with pytest.raises(InputFileError, match="newer than this twitchscope"):
        DiaryStore(path)


def test_urls(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"sqlite:///{tmp_path / 'u.sqlite'}"
    with DiaryStore(url) as store:
        store.add_episode(EPISODES[0])
    assert len(load_diary(url).episodes) == 1
    with pytest.raises(ValidationError, match="unsupported database"):
        DiaryStore("mysql://u:p@localhost/db")
    with pytest.raises(ValidationError, match="psycopg 3"):
        DiaryStore("postgresql+psycopg2://u:p@localhost/db")
    # Nothing listens on port 1: a clear error naming the URL without its password.
    with pytest.raises(InputFileError) as info:
        DiaryStore("postgresql://someone:secret@127.0.0.1:1/nothing")
    assert "secret" not in str(info.value) and "***" in str(info.value)
    from twitchscope.clinical.diary import default_diary_location

    monkeypatch.setenv("TWITCHSCOPE_DIARY", url)
    assert default_diary_location() == url
    monkeypatch.delenv("TWITCHSCOPE_DIARY")
    assert default_diary_location().endswith(os.path.join(".twitchscope", "diary.sqlite"))


def test_entries_keep_second_resolution(tmp_path: Path) -> None:
    with DiaryStore(tmp_path / "d.sqlite") as store:
        store.add_episode(
            make_episode(
                {
                    "start": datetime(2026, 1, 1, 5, 4, 3, 999),
                    "locations": ["arm"],
                    "kind": "flicker",
                }
            )
        )
        ((_, stored),) = store.episodes()
    assert stored.start == datetime(2026, 1, 1, 5, 4, 3)
