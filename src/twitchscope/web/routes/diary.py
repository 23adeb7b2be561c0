"""The symptom diary: quick add, list, edit, delete, day factors, CSV import/export, charts."""

from __future__ import annotations

import secrets
from datetime import date, datetime
from typing import Any, Final

from fastapi import APIRouter
from starlette.datastructures import UploadFile
from starlette.responses import HTMLResponse, RedirectResponse, Response

from twitchscope.errors import InputFileError, TwitchscopeError, ValidationError
from twitchscope.web.charts import calendar, episode_day_counts, hour_bars
from twitchscope.web.deps import Ctx, CtxDep, WebError
from twitchscope.web.routes.common import page_user, render, see_other
from twitchscope.web.store import User

router = APIRouter()
MAX_IMPORT_BYTES: Final[int] = 5 * 1024 * 1024
#: Episodes listed on the diary page (the latest; every one with ?all=1 and in the export).
EPISODES_SHOWN: Final[int] = 20
EPISODE_FORM_FIELDS: Final[tuple[str, ...]] = (
    "start",
    "duration_s",
    "side",
    "kind",
    "intensity",
    "context",
    "note",
)
DAY_FORM_FIELDS: Final[tuple[str, ...]] = (
    "date",
    "caffeine_cups",
    "alcohol_units",
    "stress",
    "exercise_minutes",
    "heavy_exercise",
    "sleep_hours",
    "medications",
)


def _vocab() -> dict[str, Any]:
    from twitchscope.clinical.diary import CONTEXTS, KINDS, LOCATIONS, SIDES

    return {"LOCATIONS": LOCATIONS, "SIDES": SIDES, "KINDS": KINDS, "CONTEXTS": CONTEXTS}


def episode_raw(form: Any) -> dict[str, Any]:
    """The episode fields of a submitted form (raw text; ``start`` from the datetime input)."""
    raw: dict[str, Any] = {}
    for name in EPISODE_FORM_FIELDS:
        v = form.get(name)
        raw[name] = v.strip() if isinstance(v, str) else ""
    raw["start"] = raw["start"].replace("T", " ")
    raw["locations"] = [v for v in form.getlist("locations") if isinstance(v, str)]
    return raw


def _episode_form_values(entry: Any) -> dict[str, Any]:
    return {
        "start": entry.start.strftime("%Y-%m-%dT%H:%M"),
        "duration_s": "" if entry.duration_s is None else f"{entry.duration_s:g}",
        "locations": list(entry.locations),
        "side": entry.side or "",
        "kind": entry.kind,
        "intensity": "" if entry.intensity is None else str(entry.intensity),
        "context": entry.context or "",
        "note": entry.note,
    }


def _empty_episode() -> dict[str, Any]:
    return {
        "start": datetime.now().strftime("%Y-%m-%dT%H:%M"),
        "duration_s": "",
        "locations": [],
        "side": "",
        "kind": "twitch",
        "intensity": "",
        "context": "",
        "note": "",
    }


def _diary_page(
    ctx: Ctx,
    user: User,
    *,
    episode: dict[str, Any] | None = None,
    episode_error: str = "",
    day: dict[str, Any] | None = None,
    day_error: str = "",
    import_error: list[str] | None = None,
    message: str = "",
    status: int = 200,
) -> HTMLResponse:
    from twitchscope.clinical.diary import compute_patterns

    store = ctx.state.diary(user)
    pairs = store.episodes()
    days = store.days()
    diary = store.to_diary()
    patterns = compute_patterns(diary) if pairs else None
    counts = episode_day_counts([e.start for _, e in pairs])
    return render(
        ctx,
        "diary.html",
        status=status,
        episodes=list(reversed(pairs)),
        shown=len(pairs) if ctx.request.query_params.get("all") == "1" else EPISODES_SHOWN,
        days=list(reversed(days)),
        patterns=patterns,
        bars=hour_bars(patterns.hourly_profile if patterns else [0] * 24),
        cal=calendar(counts, date.today()),
        episode=episode or _empty_episode(),
        episode_error=episode_error,
        day=day or {**dict.fromkeys(DAY_FORM_FIELDS, ""), "date": date.today().isoformat()},
        day_error=day_error,
        import_error=import_error or [],
        message=message or ctx.request.query_params.get("msg", "")[:200],
        **_vocab(),
    )


@router.get("/diary", response_class=HTMLResponse)
async def diary_page(ctx: CtxDep) -> Response:
    user = page_user(ctx)
    if isinstance(user, RedirectResponse):
        return user
    return _diary_page(ctx, user)


@router.post("/diary/episodes", response_class=HTMLResponse)
async def add_episode(ctx: CtxDep) -> Response:
    from twitchscope.clinical.diary import make_episode

    user = page_user(ctx)
    if isinstance(user, RedirectResponse):
        return user
    await ctx.check_unsafe()
    raw = episode_raw(await ctx.request.form())
    try:
        entry = make_episode(raw)
        ctx.state.diary(user).add_episode(entry)
    except ValidationError as exc:
        raw["start"] = raw["start"].replace(" ", "T")
        return _diary_page(ctx, user, episode=raw, episode_error=str(exc), status=422)
    return see_other("/diary?msg=episode+added")


@router.get("/diary/episodes/{episode_id}/edit", response_class=HTMLResponse)
async def edit_episode_page(episode_id: int, ctx: CtxDep) -> Response:
    user = page_user(ctx)
    if isinstance(user, RedirectResponse):
        return user
    found = dict(ctx.state.diary(user).episodes()).get(episode_id)
    if found is None:
        raise WebError(404, "id", "no such episode")
    return render(
        ctx,
        "diary_edit.html",
        episode_id=episode_id,
        episode=_episode_form_values(found),
        error="",
        **_vocab(),
    )


@router.post("/diary/episodes/{episode_id}", response_class=HTMLResponse)
async def save_episode(episode_id: int, ctx: CtxDep) -> Response:
    from twitchscope.clinical.diary import make_episode

    user = page_user(ctx)
    if isinstance(user, RedirectResponse):
        return user
    await ctx.check_unsafe()
    raw = episode_raw(await ctx.request.form())
    try:
        ctx.state.diary(user).update_episode(episode_id, make_episode(raw))
    except ValidationError as exc:
        if exc.field == "id":
            raise WebError(404, "id", "no such episode") from None
        raw["start"] = raw["start"].replace(" ", "T")
        return render(
            ctx,
            "diary_edit.html",
            status=422,
            episode_id=episode_id,
            episode=raw,
            error=str(exc),
            **_vocab(),
        )
    return see_other("/diary?msg=episode+saved")


@router.post("/diary/episodes/{episode_id}/delete")
async def delete_episode(episode_id: int, ctx: CtxDep) -> Response:
    user = page_user(ctx)
    if isinstance(user, RedirectResponse):
        return user
    await ctx.check_unsafe()
    try:
        ctx.state.diary(user).delete_episode(episode_id)
    except ValidationError:
        raise WebError(404, "id", "no such episode") from None
    return see_other("/diary?msg=episode+deleted")


@router.post("/diary/days", response_class=HTMLResponse)
async def add_day(ctx: CtxDep) -> Response:
    from twitchscope.clinical.diary import make_day

    user = page_user(ctx)
    if isinstance(user, RedirectResponse):
        return user
    await ctx.check_unsafe()
    form = await ctx.request.form()
    raw = {
        k: (v.strip() if isinstance(v, str) else "") for k in DAY_FORM_FIELDS for v in [form.get(k)]
    }
    try:
        entry = make_day({k: v for k, v in raw.items() if v != ""} | {"date": raw["date"]})
        ctx.state.diary(user).add_day(entry)
    except ValidationError as exc:
        return _diary_page(ctx, user, day=raw, day_error=str(exc), status=422)
    return see_other("/diary?msg=day+saved")


@router.post("/diary/days/{day}/delete")
async def delete_day(day: str, ctx: CtxDep) -> Response:
    user = page_user(ctx)
    if isinstance(user, RedirectResponse):
        return user
    await ctx.check_unsafe()
    try:
        ctx.state.diary(user).delete_day(date.fromisoformat(day))
    except (ValueError, ValidationError):
        raise WebError(404, "date", "no factors recorded for that day") from None
    return see_other("/diary?msg=day+deleted")


@router.post("/diary/import", response_class=HTMLResponse)
async def import_diary(ctx: CtxDep) -> Response:
    from twitchscope.clinical.diary import DiaryImportError, import_csv

    user = page_user(ctx)
    if isinstance(user, RedirectResponse):
        return user
    await ctx.check_unsafe()
    form = await ctx.request.form(max_files=1, max_fields=5)
    upload = form.get("file")
    if not isinstance(upload, UploadFile):
        return _diary_page(ctx, user, import_error=["choose a diary CSV file"], status=422)
    data = await upload.read(MAX_IMPORT_BYTES + 1)
    name = (upload.filename or "diary.csv").replace("\\", "/").rsplit("/", 1)[-1][:200]
    if len(data) > MAX_IMPORT_BYTES:
        return _diary_page(ctx, user, import_error=[f"{name}: larger than 5 MiB"], status=413)
    tmp_dir = ctx.state.config.data_dir / "tmp"
    tmp_dir.mkdir(parents=True, exist_ok=True)
    tmp = tmp_dir / f"import-{secrets.token_hex(8)}.csv"
    tmp.write_bytes(data)
    try:
        result = import_csv(ctx.state.diary(user), tmp)
    except DiaryImportError as exc:
        problems = [p.replace(str(tmp), name) for p in exc.problems]
        return _diary_page(
            ctx, user, import_error=[f"{name}: nothing was imported", *problems], status=422
        )
    except (InputFileError, TwitchscopeError) as exc:
        return _diary_page(ctx, user, import_error=[str(exc).replace(str(tmp), name)], status=422)
    finally:
        tmp.unlink(missing_ok=True)
    return see_other(f"/diary?msg=imported+{result.episodes}+episodes+and+{result.days}+days")


@router.get("/diary/export.csv")
async def export_diary(ctx: CtxDep) -> Response:
    from twitchscope.clinical.diary.csv_io import diary_csv_text

    user = ctx.require_user()
    store = ctx.state.diary(user)
    text = diary_csv_text([e for _, e in store.episodes()], store.days())
    return Response(
        text,
        media_type="text/csv; charset=utf-8",
        headers={"content-disposition": 'attachment; filename="twitchscope-diary.csv"'},
    )
