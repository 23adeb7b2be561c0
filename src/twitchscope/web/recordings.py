"""Accepting an uploaded night (checked before it is queued) and the data of one night."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from twitchscope.errors import TwitchscopeError
from twitchscope.web.deps import Ctx, WebError
from twitchscope.web.scoring import OUTPUT_DIR, REVIEWED_DIR, VIEWER_FILE, read_json
from twitchscope.web.security import CSRF_FIELD, CSRF_HEADER, cross_site, same_token
from twitchscope.web.store import Recording, User
from twitchscope.web.uploads import Upload, UploadError, new_id, receive_upload

RULES = ("wasm2016", "aasm")


def check_header(path: Path) -> None:
    """Open the recording's header and find both legs, as ``twitchscope score`` does first.

    Raises
    ------
    TwitchscopeError
        A corrupt or truncated header, or a missing or ambiguous leg channel.
    """
    from twitchscope.io import open_recording

    with open_recording(path) as rec:
        rec.find("leg_left")
        rec.find("leg_right")


def _named(exc: TwitchscopeError, upload: Upload) -> str:
    text = str(exc)
    for stored in upload.files.values():
        for form in (str(stored.path.resolve()), str(stored.path)):
            text = text.replace(form, stored.display_name)
    return text


async def accept_upload(ctx: Ctx, user: User) -> Recording:
    """Receive, check and queue an uploaded night.

    Raises
    ------
    WebError
        Refused request (cross-site, CSRF), too large (413), or a file that is not a usable
        recording (422, with the same message as the CLI, naming the person's file).
    """
    req = ctx.request
    why = cross_site(req.headers, req.headers.get("host"))
    if why and ctx.via != "token":
        raise WebError(403, "origin", f"refused: {why}")
    if ctx.via == "local" and not req.url.path.startswith("/api/"):
        raise WebError(403, CSRF_FIELD, "send the form from the app's own page")
    if ctx.via == "session":
        # a browser session proves the request is the app's own: by the header, or by the
        # form's token field, which only a multipart body can carry
        header = req.headers.get(CSRF_HEADER)
        multipart = req.headers.get("content-type", "").startswith("multipart/form-data")
        if (header is not None or not multipart) and not same_token(header, ctx.csrf):
            raise WebError(403, CSRF_FIELD, "the form has expired; reload the page")

    def before_file(fields: dict[str, str]) -> None:
        if ctx.via == "session":
            given = req.headers.get(CSRF_HEADER) or fields.get(CSRF_FIELD)
            if not same_token(given, ctx.csrf):
                raise UploadError(CSRF_FIELD, "the form has expired; reload the page", 403)

    state = ctx.state
    rec_id = new_id()
    folder = state.recording_dir(rec_id)
    try:
        upload = await receive_upload(
            req, folder, max_recording=state.config.max_upload_bytes, before_file=before_file
        )
    except UploadError as exc:
        raise WebError(exc.status, exc.field, exc.problem) from None
    if ctx.via == "session":  # the token is checked before any file is kept; and always here
        given = req.headers.get(CSRF_HEADER) or upload.fields.get(CSRF_FIELD)
        if not same_token(given, ctx.csrf):
            upload.discard()
            raise WebError(403, CSRF_FIELD, "the form has expired; reload the page")
    rules = upload.fields.get("rules", "wasm2016").strip() or "wasm2016"
    if rules not in RULES:
        upload.discard()
        raise WebError(422, "rules", f"{rules[:40]!r} is not one of {', '.join(RULES)}")
    codes = upload.fields.get("stage_codes", "").strip() or None
    if codes is not None:
        from twitchscope.io.annotations import parse_codes

        try:
            parse_codes(codes)
        except TwitchscopeError as exc:
            upload.discard()
            raise WebError(422, "stage_codes", getattr(exc, "problem", str(exc))) from None
        if "hypnogram" not in upload.files:
            upload.discard()
            raise WebError(422, "stage_codes", "stage codes need a hypnogram file")
    rec_file = upload.files["recording"]
    try:
        await asyncio.to_thread(check_header, rec_file.path)
    except TwitchscopeError as exc:
        upload.discard()
        raise WebError(422, "recording", _named(exc, upload)) from None
    hyp, ev = upload.files.get("hypnogram"), upload.files.get("events")
    rec = state.store.add_recording(
        rec_id,
        user,
        status="queued",
        step="waiting to be scored",
        file_name=rec_file.display_name,
        file_kind=rec_file.kind,
        size_bytes=rec_file.size,
        hypnogram_name=hyp.display_name if hyp else None,
        hypnogram_file=hyp.path.name if hyp else None,
        events_name=ev.display_name if ev else None,
        events_file=ev.path.name if ev else None,
        rules=rules,
        stage_codes=codes,
    )
    state.worker.submit(rec_id)
    return rec


def own_recording(ctx: Ctx, rec_id: str, *, owner_only: bool = False) -> Recording:
    """A recording the signed-in user may see, or 404 (another person's night is not shown).

    A person sees their own nights; a clinician sees every person's (to review them), except
    where ``owner_only`` (deleting a night is its owner's decision).
    """
    from twitchscope.web.routes.common import check_rec_id

    user = ctx.require_user()
    rec = ctx.state.store.recording(check_rec_id(rec_id))
    if rec is None:
        raise WebError(404, "id", "no such recording")
    if rec.user_id != user.id and (owner_only or not user.is_clinician):
        raise WebError(404, "id", "no such recording")
    return rec


def visible_recordings(ctx: Ctx, user: User) -> list[Recording]:
    """The nights a user may see, newest first: their own, or every person's for a clinician."""
    return ctx.state.store.recordings(None if user.is_clinician else user)


def owner_names(ctx: Ctx) -> dict[int, str]:
    """Account id -> name (for a clinician's list of every person's nights)."""
    return {u.id: u.name for u in ctx.state.store.users()}


def status_dict(ctx: Ctx, rec: Recording) -> dict[str, Any]:
    """The API's view of a recording: status, error, progress and, when done, the summary."""
    from twitchscope.web.picture import night_summary

    out: dict[str, Any] = {
        "id": rec.id,
        "status": rec.status,
        "error": rec.error or None,
        "step": rec.step,
        "progress": rec.progress,
        "file_name": rec.file_name,
        "created": rec.created.isoformat() + "Z",
        "summary": None,
    }
    if rec.status == "done":
        out["summary"] = night_summary(ctx.state, rec)
        out["reviewed"] = (ctx.state.recording_dir(rec.id) / REVIEWED_DIR / "summary.json").exists()
    return out


def night_files(ctx: Ctx, rec: Recording) -> dict[str, Any]:
    """Viewer data, original and reviewed summaries of a finished night."""
    folder = ctx.state.recording_dir(rec.id)
    return {
        "viewer": read_json(folder / OUTPUT_DIR / VIEWER_FILE) or {},
        "original": read_json(folder / OUTPUT_DIR / "summary.json"),
        "reviewed": read_json(folder / REVIEWED_DIR / "summary.json"),
    }


def delete_recording(ctx: Ctx, rec: Recording) -> None:
    """Delete a finished night: its files, review and edits.

    Raises
    ------
    WebError
        409 while the night is still queued or being scored.
    """
    import shutil

    if rec.status in ("queued", "running"):
        raise WebError(409, "status", "the night is being scored; delete it when it is done")
    ctx.state.store.delete_recording(rec.id)
    shutil.rmtree(ctx.state.recording_dir(rec.id), ignore_errors=True)
