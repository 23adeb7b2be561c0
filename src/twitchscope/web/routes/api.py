"""The JSON API of ``twitchscope serve``: assessments, recordings, movements, diary.

Errors are JSON ``{"error": message, "field": name}`` with a 4xx status. With accounts, clients
send ``Authorization: Bearer <token>`` (made on the account page or ``POST /api/tokens``).
"""

from __future__ import annotations

import asyncio
from typing import Any

from fastapi import APIRouter
from starlette.responses import JSONResponse, Response

from twitchscope.errors import TwitchscopeError, ValidationError
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
from twitchscope.web.review import parse_movement_list
from twitchscope.web.routes.recordings import rescore

router = APIRouter(prefix="/api")


async def _json_body(ctx: Ctx) -> Any:
    try:
        return await ctx.request.json()
    except ValueError:
        raise WebError(422, "body", "the body is not valid JSON") from None


@router.post("/assessments")
async def api_assess(ctx: CtxDep) -> Response:
    """The assessment of the answers in the body (the ``assess`` answer contract, labs inside)."""
    from twitchscope.clinical import assess

    await ctx.check_unsafe()
    ctx.require_user()
    body = await _json_body(ctx)
    if not isinstance(body, dict):
        raise WebError(422, "answers", "expected a JSON object of question id -> answer")
    try:
        result = await asyncio.to_thread(assess, body)
    except ValidationError as exc:
        raise WebError(422, exc.field, exc.problem) from None
    except TwitchscopeError as exc:
        raise WebError(422, "answers", str(exc)) from None
    return JSONResponse(result.to_dict())


@router.post("/recordings", status_code=202)
async def api_upload(ctx: CtxDep) -> Response:
    """Upload a night (multipart ``recording``, optional ``hypnogram``, ``events``): ``{"id"}``."""
    user = ctx.require_user()
    rec = await accept_upload(ctx, user)
    return JSONResponse({"id": rec.id, "status": rec.status}, status_code=202)


@router.get("/recordings")
async def api_recordings(ctx: CtxDep) -> Response:
    """The recordings the user may see, newest first (every person's for a clinician, with
    ``owner``)."""
    user = ctx.require_user()
    owners = owner_names(ctx) if user.is_clinician else {}
    return JSONResponse(
        [
            {
                "id": r.id,
                "status": r.status,
                "file_name": r.file_name,
                "created": r.created.isoformat() + "Z",
                **({"owner": owners.get(r.user_id)} if user.is_clinician else {}),
            }
            for r in visible_recordings(ctx, user)
        ]
    )


@router.get("/recordings/{rec_id}")
async def api_recording(rec_id: str, ctx: CtxDep) -> Response:
    """``status`` (queued|running|done|failed), ``error``, progress and, when done, ``summary``."""
    rec = own_recording(ctx, rec_id)
    return JSONResponse(status_dict(ctx, rec))


@router.delete("/recordings/{rec_id}", status_code=204)
async def api_delete_recording(rec_id: str, ctx: CtxDep) -> Response:
    """Delete a night, its results, review and edits."""
    await ctx.check_unsafe()
    delete_recording(ctx, own_recording(ctx, rec_id, owner_only=True))
    return Response(status_code=204)


@router.get("/recordings/{rec_id}/movements")
async def api_movements(rec_id: str, ctx: CtxDep) -> Response:
    """The reviewed single-leg movements ``[{leg, onset, duration}]`` (rejected ones left out)."""
    rec = own_recording(ctx, rec_id)
    if rec.status != "done":
        raise WebError(409, "status", f"the night is {rec.status}, not scored yet")
    mv = ctx.state.store.review_movements(rec.id)
    return JSONResponse(
        [
            {"leg": m.leg, "onset": round(m.onset, 4), "duration": round(m.duration, 4)}
            for m in mv
            if not m.rejected
        ]
    )


@router.put("/recordings/{rec_id}/movements")
async def api_put_movements(rec_id: str, ctx: CtxDep) -> Response:
    """Replace the reviewed movements, re-score, and return the new summary (summary.json)."""
    await ctx.check_unsafe()
    rec = own_recording(ctx, rec_id)
    user = ctx.require_user()
    if rec.status != "done":
        raise WebError(409, "status", f"the night is {rec.status}, not scored yet")
    body = await _json_body(ctx)
    duration_s = float((night_files(ctx, rec)["viewer"] or {}).get("duration_s") or 0.0)
    try:
        movements = parse_movement_list(body, duration_s)
    except ValidationError as exc:
        raise WebError(422, exc.field, exc.problem) from None
    ctx.state.store.replace_movements(rec.id, user, movements)
    try:
        summary = await asyncio.to_thread(rescore, ctx, rec)
    except TwitchscopeError as exc:
        raise WebError(422, "movements", str(exc)) from None
    return JSONResponse(summary)


def episode_dict(episode_id: int, entry: Any) -> dict[str, Any]:
    """A diary episode in the diary's own fields, with its id."""
    return {
        "id": episode_id,
        "start": entry.start.isoformat(),
        "duration_s": entry.duration_s,
        "locations": list(entry.locations),
        "side": entry.side,
        "kind": entry.kind,
        "intensity": entry.intensity,
        "context": entry.context,
        "note": entry.note,
    }


@router.get("/diary/episodes")
async def api_episodes(ctx: CtxDep) -> Response:
    """Every diary episode, by start time."""
    user = ctx.require_user()
    return JSONResponse([episode_dict(i, e) for i, e in ctx.state.diary(user).episodes()])


@router.post("/diary/episodes", status_code=201)
async def api_add_episode(ctx: CtxDep) -> Response:
    """Add an episode: ``start`` (ISO local time), ``duration_s``, ``locations`` (list),
    ``side``, ``kind``, ``intensity``, ``context``, ``note``."""
    from twitchscope.clinical.diary import make_episode

    await ctx.check_unsafe()
    user = ctx.require_user()
    body = await _json_body(ctx)
    if not isinstance(body, dict):
        raise WebError(422, "episode", "expected a JSON object with the episode's fields")
    if "locations" in body and not isinstance(body["locations"], list):
        raise WebError(422, "locations", "expected a list of body locations")
    try:
        entry = make_episode(body)
        new_id = ctx.state.diary(user).add_episode(entry)
    except ValidationError as exc:
        raise WebError(422, exc.field, exc.problem) from None
    return JSONResponse(episode_dict(new_id, entry), status_code=201)


@router.post("/tokens", status_code=201)
async def api_new_token(ctx: CtxDep) -> Response:
    """Create an API token for the signed-in user (shown once)."""
    await ctx.check_unsafe()
    user = ctx.require_user()
    label = ""
    if ctx.request.headers.get("content-type", "").startswith("application/json"):
        body = await _json_body(ctx)
        if isinstance(body, dict) and isinstance(body.get("label"), str):
            label = body["label"]
    token = ctx.state.store.new_api_token(user, label)
    return JSONResponse({"token": token, "label": label[:100]}, status_code=201)
