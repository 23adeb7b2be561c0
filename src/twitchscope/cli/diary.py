"""CLI: ``twitchscope diary`` - keep a symptom diary and see its patterns.

The diary lives in a SQLite file (``--db``, else ``$TWITCHSCOPE_DIARY``, else
``~/.twitchscope/diary.sqlite``) or a PostgreSQL database given as a URL. Sub-commands:
``add`` (an episode), ``add-day`` (a day's factors, merged into that day), ``list``, ``delete``,
``export``, ``import`` and ``patterns``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from twitchscope.cli._common import console, err_console, plain

if TYPE_CHECKING:
    from twitchscope.clinical.diary import Diary, DiaryPatterns, DiaryStore

diary_app = typer.Typer(
    name="diary",
    help="Keep a symptom diary (episodes and daily factors) and see its patterns.",
    no_args_is_help=True,
)

DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        help="Diary: a SQLite file or a database URL (postgresql+psycopg://...). "
        "Default $TWITCHSCOPE_DIARY or ~/.twitchscope/diary.sqlite.",
        show_default=False,
    ),
]


def _open(db: str | None, *, create: bool) -> DiaryStore:
    from twitchscope.clinical.diary import DiaryStore, default_diary_location

    return DiaryStore(db or default_diary_location(), create=create)


def _join(values: list[str] | None) -> str | None:
    return None if not values else ";".join(values)


@diary_app.command("add")
def add(
    start: Annotated[
        str, typer.Option("--start", help="Local start time, e.g. '2026-11-01 22:30'.")
    ],
    location: Annotated[
        list[str],
        typer.Option("--location", "-l", help="Body location (repeat, or 'calf,foot')."),
    ],
    kind: Annotated[
        str, typer.Option("--kind", help="twitch, jerk, urge_to_move, cramp, tremor, flicker.")
    ],
    duration: Annotated[
        float | None, typer.Option("--duration", help="Duration in seconds.")
    ] = None,
    side: Annotated[str | None, typer.Option("--side", help="left, right or both.")] = None,
    intensity: Annotated[int | None, typer.Option("--intensity", help="0-10.")] = None,
    context: Annotated[
        str | None,
        typer.Option(
            "--context",
            help="falling_asleep, asleep, resting, sitting, after_exercise, daytime.",
        ),
    ] = None,
    note: Annotated[str | None, typer.Option("--note", help="Free text.")] = None,
    db: DbOption = None,
) -> None:
    """Record one episode of twitching."""
    from twitchscope.clinical.diary import make_episode

    entry = make_episode(
        {
            "start": start,
            "duration_s": duration,
            "locations": _join(location),
            "side": side,
            "kind": kind,
            "intensity": intensity,
            "context": context,
            "note": note,
        }
    )
    with _open(db, create=True) as store:
        episode_id = store.add_episode(entry)
        where = store.display
    console.print(
        f"added episode {episode_id}: {entry.kind} at {entry.start:%Y-%m-%d %H:%M} "
        f"({', '.join(entry.locations)}) to {where}",
        highlight=False,
        markup=False,  # locations and the diary's path are data
    )


@diary_app.command("add-day")
def add_day(
    day: Annotated[str, typer.Option("--date", help="The day, e.g. 2026-11-01.")],
    caffeine: Annotated[
        float | None, typer.Option("--caffeine", help="Cups of coffee, tea, cola, energy drink.")
    ] = None,
    alcohol: Annotated[float | None, typer.Option("--alcohol", help="Units of alcohol.")] = None,
    stress: Annotated[int | None, typer.Option("--stress", help="Stress 0-10.")] = None,
    exercise_minutes: Annotated[
        float | None, typer.Option("--exercise-minutes", help="Minutes of exercise.")
    ] = None,
    heavy_exercise: Annotated[
        bool | None,
        typer.Option("--heavy-exercise/--no-heavy-exercise", help="Was the exercise heavy?"),
    ] = None,
    sleep_hours: Annotated[
        float | None, typer.Option("--sleep-hours", help="Hours slept the night before.")
    ] = None,
    medication: Annotated[
        list[str] | None,
        typer.Option("--medication", "-m", help="A medicine taken (repeat); 'none' for none."),
    ] = None,
    db: DbOption = None,
) -> None:
    """Record a day's factors; given factors replace that day's, the others are kept."""
    from twitchscope.clinical.diary import make_day

    entry = make_day(
        {
            "date": day,
            "caffeine_cups": caffeine,
            "alcohol_units": alcohol,
            "stress": stress,
            "exercise_minutes": exercise_minutes,
            "heavy_exercise": heavy_exercise,
            "sleep_hours": sleep_hours,
            "medications": _join(medication),
        }
    )
    if entry.is_empty():
        from twitchscope.errors import ValidationError

        raise ValidationError("add-day", "give at least one factor (e.g. --caffeine 2)")
    with _open(db, create=True) as store:
        stored = store.add_day(entry)
        where = store.display
    console.print(f"recorded {stored.date.isoformat()} in {where}", highlight=False, markup=False)
    _days_table([stored], title=None)


def _fmt(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, tuple):
        return ", ".join(value) if value else "none"
    return str(value)


def _days_table(days: list[Any], title: str | None) -> None:
    from rich.table import Table

    table = Table(title=title)
    table.add_column("date", no_wrap=True)
    for name in ("cups", "alcohol", "stress", "exercise min", "heavy", "sleep h", "medicines"):
        table.add_column(name, overflow="fold")
    for d in days:
        table.add_row(
            *(
                plain(v)  # what a person wrote is data, never markup
                for v in (
                    d.date.isoformat(),
                    _fmt(d.caffeine_cups),
                    _fmt(d.alcohol_units),
                    _fmt(d.stress),
                    _fmt(d.exercise_minutes),
                    _fmt(d.heavy_exercise),
                    _fmt(d.sleep_hours),
                    _fmt(d.medications),
                )
            )
        )
    console.print(table)


@diary_app.command("list")
def list_entries(
    db: DbOption = None,
    last: Annotated[
        int | None, typer.Option("--last", min=1, help="Only the last N episodes and days.")
    ] = None,
) -> None:
    """Show the episodes and the days' factors."""
    from rich.table import Table

    with _open(db, create=False) as store:
        episodes = store.episodes()
        days = store.days()
        where = store.display
    if last is not None:
        episodes, days = episodes[-last:], days[-last:]
    table = Table(title=plain(f"episodes in {where}"))
    table.add_column("id")
    table.add_column("start", no_wrap=True)
    for name in ("s", "where", "side", "kind", "0-10", "context", "note"):
        table.add_column(name, overflow="fold")
    for episode_id, e in episodes:
        table.add_row(
            *(
                plain(v)
                for v in (
                    str(episode_id),
                    f"{e.start:%Y-%m-%d %H:%M}",
                    _fmt(e.duration_s),
                    ", ".join(e.locations),
                    _fmt(e.side),
                    e.kind,
                    _fmt(e.intensity),
                    _fmt(e.context),
                    e.note,
                )
            )
        )
    console.print(table)
    _days_table(days, title="daily factors")
    console.print(f"{len(episodes)} episode(s), {len(days)} day(s)", highlight=False)


@diary_app.command("delete")
def delete(
    episode_id: Annotated[
        int | None, typer.Option("--id", help="Id of the episode to delete (see list).")
    ] = None,
    day: Annotated[str | None, typer.Option("--date", help="Delete this day's factors.")] = None,
    db: DbOption = None,
) -> None:
    """Delete one episode (--id) or one day's factors (--date)."""
    from twitchscope.clinical.diary.validation import parse_date
    from twitchscope.errors import ValidationError

    if (episode_id is None) == (day is None):
        raise ValidationError("delete", "give exactly one of --id or --date")
    with _open(db, create=False) as store:
        if episode_id is not None:
            gone = store.delete_episode(episode_id)
            console.print(
                f"deleted episode {episode_id} ({gone.kind} at {gone.start})", markup=False
            )
        else:
            stored = store.delete_day(parse_date("date", day))
            console.print(f"deleted the factors of {stored.date.isoformat()}", markup=False)


@diary_app.command("export")
def export(
    out: Annotated[Path, typer.Argument(help="CSV file to write.")],
    db: DbOption = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")] = False,
) -> None:
    """Write the whole diary to one CSV file (a `record` column says episode or day)."""
    from twitchscope.clinical.diary import export_csv
    from twitchscope.errors import InputFileError

    if out.exists() and not force:
        raise InputFileError(out, "exists already; use --force to overwrite it")
    with _open(db, create=False) as store:
        n_episodes, n_days = export_csv(store, out)
    console.print(
        f"wrote {n_episodes} episode(s) and {n_days} day(s) to {out}", highlight=False, markup=False
    )


@diary_app.command("import")
def import_(
    csv_file: Annotated[Path, typer.Argument(help="Diary CSV (as written by export).")],
    db: DbOption = None,
) -> None:
    """Add a diary CSV to the diary: every row or, if any row is bad, none."""
    from twitchscope.clinical.diary import import_csv, read_diary_csv

    read_diary_csv(csv_file)  # check the file before creating a database for it
    with _open(db, create=True) as store:
        result = import_csv(store, csv_file)
        where = store.display
    console.print(
        f"imported {result.episodes} episode(s) and {result.days} day(s) into {where}",
        highlight=False,
        markup=False,
    )


def _print_patterns(p: DiaryPatterns, diary: Diary) -> None:
    from rich.table import Table
    from rich.text import Text

    def yes_no(value: bool | None) -> str:
        return "not enough data" if value is None else ("yes" if value else "no")

    console.print(Text.assemble(("Diary patterns", "bold"), f" ({diary.source})"), highlight=False)
    summary = Table(show_header=False)
    summary.add_column("pattern")
    summary.add_column("value")
    span = "-" if p.first_day is None else f"{p.first_day} to {p.last_day}"
    summary.add_row("episodes", str(p.n_episodes))
    summary.add_row("days recorded", f"{p.n_days_recorded} ({span})")
    summary.add_row("days with twitching, last 90", str(p.days_affected_last_90))
    summary.add_row("chronic (most days for 3 months)", yes_no(p.chronic))
    share = "-" if p.evening_night_share is None else f"{p.evening_night_share:.0%}"
    summary.add_row("share 18:00-06:00", share)
    summary.add_row("evening/night peak", yes_no(p.evening_night_peak))
    summary.add_row("trend (episodes per week)", p.trend or "not enough data")
    summary.add_row("body locations", plain(", ".join(p.locations) or "-"))
    spread = yes_no(p.spread)
    if p.new_locations:
        spread += f" (new: {', '.join(p.new_locations)})"
    summary.add_row("spread to other body parts", plain(spread))
    console.print(summary)
    console.print("episodes by start hour:")
    for first in range(0, 24, 6):
        counts = " ".join(f"{c:>3d}" for c in p.hourly_profile[first : first + 6])
        console.print(f"  {first:02d}:00-{first + 5:02d}:59 {counts}", highlight=False)
    factors = Table(title="daily factors")
    for name in ("factor", "days with", "days without", "per day with", "per day without", "p"):
        factors.add_column(name)
    for a in p.factor_associations:
        factors.add_row(
            plain(a.factor),
            str(a.n_days_with),
            str(a.n_days_without),
            _fmt(None if a.rate_with is None else round(a.rate_with, 2)),
            _fmt(None if a.rate_without is None else round(a.rate_without, 2)),
            "" if a.p_value is None else f"{a.p_value:.3f}",
        )
    console.print(factors)
    for a in p.factor_associations:
        console.print(f"- {a.factor}: {a.statement}", highlight=False, markup=False)
    for warning in p.warnings:
        err_console.print(f"note: {warning}", highlight=False, markup=False)


@diary_app.command("patterns")
def patterns(
    db: DbOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of tables.")] = False,
    today: Annotated[
        str | None, typer.Option("--today", help="End of the 90-day window (default today).")
    ] = None,
) -> None:
    """Show the diary's patterns: time of day, chronic, trend, spread, daily factors."""
    from twitchscope.clinical.diary import compute_patterns, default_diary_location, load_diary
    from twitchscope.clinical.diary.validation import parse_date

    end = None if today is None else parse_date("today", today)
    diary = load_diary(db or default_diary_location())
    result = compute_patterns(diary, today=end)
    if as_json:
        print(json.dumps({"source": diary.source, **result.to_dict()}, indent=2))
    else:
        _print_patterns(result, diary)


def register(app: typer.Typer) -> None:
    """Add the ``diary`` command group to ``app``."""
    app.add_typer(diary_app, name="diary")
