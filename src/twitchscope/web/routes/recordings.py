"""Recording pages: upload, progress then the night, the stored report and files, and review."""

from __future__ import annotations

import asyncio
import math
from typing import Any, Final

from fastapi import APIRouter
from starlette.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse, Response

from twitchscope.errors import TwitchscopeError
from twitchscope.results import CUTOFFS, MAIN_INDICES, unit_of
from twitchscope.web.deps import Ctx, CtxDep, WebError
from twitchscope.web.recordings import (
    accept_upload,
    delete_recording,
    night_files,
    own_recording,
    owner_names,
    status_dict,
    visible_recordings,
)
from twitchscope.web.review import (
    categorise,
    check_movement,
    export_csv,
    export_edf_annotations,
    kept_table,
    read_scored,
    series_spans,
)
from twitchscope.web.routes.common import page_user, render, see_other
from twitchscope.web.scoring import OUTPUT_DIR, REVIEWED_DIR, score_night
from twitchscope.web.security import REPORT_CSP
from twitchscope.web.signals import (
    DEFAULT_MAX_POINTS,
    MAX_CHANNELS,
    cached_channel,
    list_channels,
    window,
)
from twitchscope.web.worker import SIGNAL_CACHE, recording_files

router = APIRouter()
#: The files of a scored night a person may download (names the app wrote, never theirs).
FILES: Final[tuple[str, ...]] = (
    "summary.json",
    "leg_movements.csv",
    "scored_movements.csv",
    "twitches.csv",
    "hypnogram.csv",
)


def index_rows(
    summary: dict[str, Any] | None, before: dict[str, Any] | None = None
) -> list[dict[str, Any]]:
    """The main indices of a summary for display (with the value before review when given)."""
    from twitchscope.report.score_report import LABELS, format_value

    if not summary:
        return []
    rows = []
    for name in MAIN_INDICES:
        if name not in summary:
            continue
        v = summary.get(name)
        b = None if before is None else before.get(name)
        cut = CUTOFFS.get(name)
        unit = unit_of(name)
        rows.append(
            {
                "name": name,
                "label": LABELS.get(name, name.replace("_", " ")),
                "value": format_value(v, unit),
                "before": None if before is None else format_value(b, unit),
                "changed": before is not None and v != b,
                "unit": unit,
                "cutoff": cut,
                "above": cut is not None and isinstance(v, int | float) and v > cut,
            }
        )
    return rows


def _list_page(ctx: Ctx, user: Any, *, error: str = "", status: int = 200) -> HTMLResponse:
    from twitchscope.web.picture import night_summary

    recs = visible_recordings(ctx, user)
    results = {}
    for r in recs:
        summary = night_summary(ctx.state, r) if r.status == "done" else None
        if summary:
            results[r.id] = _headline(summary)
    return render(
        ctx,
        "recordings.html",
        status=status,
        recordings=recs,
        results=results,
        show_owner=user.is_clinician,
        owners=owner_names(ctx) if user.is_clinician else {},
        max_mb=ctx.state.config.max_upload_bytes / 1024**2,
        error=error,
    )


def _headline(summary: dict[str, Any]) -> str:
    """The night's headline index in words (PLMS index, or PLM per hour without staging)."""
    v = summary.get("plms_index")
    if not isinstance(v, int | float) or isinstance(v, bool) or math.isnan(float(v)):
        return ""
    staged = summary.get("index_basis") != "recording_time"
    return f"PLMS index {v:.1f} /h" if staged else f"{v:.1f} PLM per hour of recording"


@router.get("/recordings", response_class=HTMLResponse)
async def recordings_page(ctx: CtxDep) -> Response:
    user = page_user(ctx)
    if isinstance(user, RedirectResponse):
        return user
    return _list_page(ctx, user)


@router.post("/recordings", response_class=HTMLResponse)
async def upload_page(ctx: CtxDep) -> Response:
    """The upload form without script: the same checks as the API, then the night's page."""
    user = page_user(ctx)
    if isinstance(user, RedirectResponse):
        return user
    try:
        rec = await accept_upload(ctx, user)
    except WebError as exc:
        if exc.status == 403:
            raise
        return _list_page(ctx, user, error=exc.message, status=exc.status)
    return see_other(f"/recordings/{rec.id}")


@router.get("/recordings/{rec_id}", response_class=HTMLResponse)
async def recording_page(rec_id: str, ctx: CtxDep) -> Response:
    user = page_user(ctx)
    if isinstance(user, RedirectResponse):
        return user
    rec = own_recording(ctx, rec_id)
    files = night_files(ctx, rec) if rec.status == "done" else {}
    summary = files.get("reviewed") or files.get("original")
    night = None
    if summary is not None:
        night = await asyncio.to_thread(_night_context, ctx, rec, files.get("reviewed") is not None)
    return render(
        ctx,
        "recording.html",
        rec=rec,
        job=status_dict(ctx, rec) if rec.status != "done" else None,
        rows=index_rows(summary),
        summary=summary,
        reviewed=files.get("reviewed") is not None,
        files=[
            f
            for f in FILES
            if (
                ctx.state.recording_dir(rec.id)
                / (REVIEWED_DIR if files.get("reviewed") else OUTPUT_DIR)
                / f
            ).exists()
        ],
        night=night,
        is_owner=rec.user_id == user.id,
        owner=_owner_name(ctx, rec, user),
    )


def _owner_name(ctx: Ctx, rec: Any, user: Any) -> str:
    """Whose night it is, for a clinician looking at another person's night ('' for one's own)."""
    if rec.user_id == user.id:
        return ""
    owner = ctx.state.store.user(rec.user_id)
    return owner.name if owner is not None else "another person"


def _night_context(ctx: Ctx, rec: Any, reviewed: bool) -> dict[str, Any] | None:
    """The report module's view of a scored night (cards, figures), or None when unreadable."""
    from twitchscope.report.night import load_night
    from twitchscope.report.score_report import night_context

    folder = ctx.state.recording_dir(rec.id) / (REVIEWED_DIR if reviewed else OUTPUT_DIR)
    try:
        return night_context(load_night(folder))
    except TwitchscopeError:
        return None


@router.post("/recordings/{rec_id}/delete")
async def delete_recording_page(rec_id: str, ctx: CtxDep) -> Response:
    """Delete a night and everything made from it."""
    user = page_user(ctx)
    if isinstance(user, RedirectResponse):
        return user
    await ctx.check_unsafe()
    delete_recording(ctx, own_recording(ctx, rec_id, owner_only=True))
    return see_other("/recordings")


@router.get("/recordings/{rec_id}/report")
async def recording_report(rec_id: str, ctx: CtxDep) -> Response:
    """The stored night report (self-contained HTML; served with a no-script policy)."""
    rec = own_recording(ctx, rec_id)
    folder = ctx.state.recording_dir(rec.id)
    which = REVIEWED_DIR if ctx.request.query_params.get("reviewed") == "1" else OUTPUT_DIR
    path = folder / which / "report.html"
    if rec.status != "done" or not path.exists():
        raise WebError(404, "report", "no report for this night yet")
    return FileResponse(
        path, media_type="text/html; charset=utf-8", headers={"content-security-policy": REPORT_CSP}
    )


@router.get("/recordings/{rec_id}/files/{name}")
async def recording_file(rec_id: str, name: str, ctx: CtxDep) -> Response:
    rec = own_recording(ctx, rec_id)
    if name not in FILES:
        raise WebError(404, "name", "no such file")
    which = REVIEWED_DIR if ctx.request.query_params.get("reviewed") == "1" else OUTPUT_DIR
    path = ctx.state.recording_dir(rec.id) / which / name
    if not path.exists():
        raise WebError(404, "name", "no such file")
    media = "application/json" if name.endswith(".json") else "text/csv; charset=utf-8"
    # served as a download: a browser never renders what a file holds
    return FileResponse(path, media_type=media, filename=f"{rec.id[:8]}-{which}-{name}")


# --- review -----------------------------------------------------------------------------


@router.get("/recordings/{rec_id}/review", response_class=HTMLResponse)
async def review_page(rec_id: str, ctx: CtxDep) -> Response:
    user = page_user(ctx)
    if isinstance(user, RedirectResponse):
        return user
    rec = own_recording(ctx, rec_id)
    if rec.status != "done":
        return see_other(f"/recordings/{rec.id}")
    files = night_files(ctx, rec)
    return render(
        ctx,
        "review.html",
        rec=rec,
        rows=index_rows(
            files["reviewed"] or files["original"], files["original"] if files["reviewed"] else None
        ),
        edits=ctx.state.store.edits(rec.id)[-20:],
        owner=_owner_name(ctx, rec, user),
    )


def _done(ctx: Ctx, rec_id: str) -> Any:
    rec = own_recording(ctx, rec_id)
    if rec.status != "done":
        raise WebError(409, "status", f"the night is {rec.status}, not scored yet")
    return rec


def _latest_scored(ctx: Ctx, rec: Any) -> Any:
    folder = ctx.state.recording_dir(rec.id)
    reviewed = read_scored(folder / REVIEWED_DIR / "scored_movements.csv")
    return (
        reviewed
        if reviewed is not None
        else read_scored(folder / OUTPUT_DIR / "scored_movements.csv")
    )


@router.get("/api/recordings/{rec_id}/overview")
async def review_overview(rec_id: str, ctx: CtxDep) -> Response:
    """What the viewer draws above the traces: stages, series, excluded time, channels."""
    rec = _done(ctx, rec_id)
    files = night_files(ctx, rec)
    recording, _, _ = recording_files(ctx.state.recording_dir(rec.id), rec)
    channels = await asyncio.to_thread(list_channels, recording)
    viewer = files["viewer"]
    legs = viewer.get("channels", {})
    return JSONResponse(
        {
            "id": rec.id,
            "duration_s": viewer.get("duration_s"),
            "recording_start": viewer.get("recording_start"),
            "hypnogram": viewer.get("hypnogram"),
            "excluded": viewer.get("excluded", {}),
            "series": series_spans(_latest_scored(ctx, rec)),
            "channels": [c.to_dict() for c in channels],
            "legs": {
                side: next((c.index for c in channels if c.label == legs.get(side)), None)
                for side in ("left", "right")
            },
        }
    )


@router.get("/api/recordings/{rec_id}/signal")
async def review_signal(rec_id: str, ctx: CtxDep) -> Response:
    """Samples of some channels in a window: native rate, or min/max pairs when zoomed out."""
    rec = _done(ctx, rec_id)
    q = ctx.request.query_params
    try:
        start = float(q.get("start", "0"))
        duration = float(q.get("duration", "30"))
        max_points = int(q.get("max_points", str(DEFAULT_MAX_POINTS)))
        indices = [int(x) for x in q.get("channels", "").split(",") if x.strip()]
    except ValueError:
        raise WebError(
            422, "start", "start, duration, max_points and channels must be numbers"
        ) from None
    if not indices or len(indices) > MAX_CHANNELS:
        raise WebError(422, "channels", f"ask for 1-{MAX_CHANNELS} channel indices")
    folder = ctx.state.recording_dir(rec.id)
    recording, _, _ = recording_files(folder, rec)

    def load() -> list[dict[str, Any]]:
        out = []
        for idx in indices:
            data, fs, first = cached_channel(recording, folder / SIGNAL_CACHE, idx)
            out.append(
                {"index": idx, "fs": fs, **window(data, fs, first, start, duration, max_points)}
            )
        return out

    try:
        traces = await asyncio.to_thread(load)
    except TwitchscopeError as exc:
        raise WebError(
            422, getattr(exc, "field", "channels"), getattr(exc, "problem", str(exc))
        ) from None
    return JSONResponse({"start": start, "duration": duration, "traces": traces})


@router.get("/api/recordings/{rec_id}/review")
async def review_movements(rec_id: str, ctx: CtxDep) -> Response:
    """Every movement under review with its category (from the latest scoring)."""
    rec = _done(ctx, rec_id)
    mv = ctx.state.store.review_movements(rec.id)
    return JSONResponse({"movements": categorise(mv, _latest_scored(ctx, rec))})


@router.post("/api/recordings/{rec_id}/review/edits")
async def review_edit(rec_id: str, ctx: CtxDep) -> Response:
    """One review edit: ``{"action", "id", "leg", "onset", "duration"}``.

    ``action`` is ``reject``, ``restore``, ``adjust`` (new borders) or ``add``.
    """
    await ctx.check_unsafe()
    rec = _done(ctx, rec_id)
    user = ctx.require_user()
    try:
        body = await ctx.request.json()
    except ValueError:
        raise WebError(422, "body", "expected a JSON object") from None
    if not isinstance(body, dict):
        raise WebError(422, "body", "expected a JSON object")
    action = body.get("action")
    duration_s = (night_files(ctx, rec)["viewer"] or {}).get("duration_s") or 0.0
    kwargs: dict[str, Any] = {}
    mid = body.get("id")
    if action in ("reject", "restore", "adjust"):
        if not isinstance(mid, int) or isinstance(mid, bool):
            raise WebError(422, "id", "the movement's id is needed")
        kwargs["movement_id"] = mid
    if action in ("adjust", "add"):
        leg = body.get("leg")
        if action == "adjust":
            current = next(
                (m for m in ctx.state.store.review_movements(rec.id) if m.id == mid), None
            )
            if current is None:
                raise WebError(404, "id", f"no movement {mid} here")
            leg = current.leg
        leg, onset, duration = check_movement(
            leg, body.get("onset"), body.get("duration"), float(duration_s)
        )
        kwargs.update(leg=leg, onset=onset, duration=duration)
    m = ctx.state.store.edit_movement(rec.id, user, str(action), **kwargs)
    return JSONResponse({"movement": m.to_dict()})


def rescore(ctx: Ctx, rec: Any) -> dict[str, Any]:
    """Score the night again with its reviewed movements; return the new summary."""
    folder = ctx.state.recording_dir(rec.id)
    recording, hyp, ev = recording_files(folder, rec)
    table = kept_table(ctx.state.store.review_movements(rec.id))
    summary = score_night(
        recording,
        folder / REVIEWED_DIR,
        hypnogram=hyp,
        events=ev,
        rules=rec.rules,
        movements=table,
        stage_codes=rec.stage_codes,
    )
    from twitchscope.web.store import utcnow

    ctx.state.store.set_status(rec.id, reviewed_at=utcnow())
    return summary


@router.post("/api/recordings/{rec_id}/rescore")
async def review_rescore(rec_id: str, ctx: CtxDep) -> Response:
    """Re-score with the reviewed movements; the indices before and after."""
    await ctx.check_unsafe()
    rec = _done(ctx, rec_id)
    try:
        summary = await asyncio.to_thread(rescore, ctx, rec)
    except TwitchscopeError as exc:
        raise WebError(422, "movements", str(exc)) from None
    original = night_files(ctx, rec)["original"]
    return JSONResponse({"summary": summary, "rows": index_rows(summary, original)})


@router.get("/recordings/{rec_id}/review/export.csv")
async def export_review_csv(rec_id: str, ctx: CtxDep) -> Response:
    rec = _done(ctx, rec_id)
    text = export_csv(ctx.state.store.review_movements(rec.id))
    return Response(
        text,
        media_type="text/csv; charset=utf-8",
        headers={"content-disposition": f'attachment; filename="reviewed-{rec.id[:8]}.csv"'},
    )


@router.get("/recordings/{rec_id}/review/export.edf")
async def export_review_edf(rec_id: str, ctx: CtxDep) -> Response:
    rec = _done(ctx, rec_id)
    folder = ctx.state.recording_dir(rec.id)
    viewer = night_files(ctx, rec)["viewer"]
    path = folder / "reviewed-annotations.edf"
    await asyncio.to_thread(
        export_edf_annotations,
        ctx.state.store.review_movements(rec.id),
        path,
        viewer.get("recording_start"),
    )
    return FileResponse(
        path, media_type="application/octet-stream", filename=f"reviewed-{rec.id[:8]}.edf"
    )
