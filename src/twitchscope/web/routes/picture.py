"""The clinical picture page: printable, as JSON, and as a PDF download."""

from __future__ import annotations

import asyncio
from typing import Any

from fastapi import APIRouter
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from twitchscope.errors import MissingDependencyError, TwitchscopeError
from twitchscope.web.deps import Ctx, CtxDep, WebError
from twitchscope.web.picture import person_assessment
from twitchscope.web.routes.common import page_user, render

router = APIRouter()


def _view(result: Any) -> dict[str, Any]:
    """The assessment's fields the page draws (fields a newer engine adds are kept too)."""
    data = result.to_dict()
    known = {
        "triage",
        "next_step",
        "findings",
        "rls",
        "tests_to_discuss",
        "self_care",
        "questions_for_doctor",
        "unanswered_emergency_questions",
        "disclaimer",
        "labs",
        "diary",
        "recording",
        "notes",
        "answers",
        "knowledge_version",
        "unknowns",
        "rls_relevant",
        "tests_to_discuss_plain",
        "medicines",
        "age_group",
    }
    extra = {
        k: v
        for k, v in data.items()
        if k not in known and v and isinstance(v, list) and all(isinstance(i, str) for i in v)
    }
    return {"a": data, "extra_lists": extra}


def _assess(ctx: Ctx) -> tuple[Any, Any]:
    user = ctx.require_user()
    rec_id = ctx.request.query_params.get("recording") or None
    try:
        return person_assessment(ctx.state, user, rec_id)
    except TwitchscopeError as exc:
        raise WebError(422, getattr(exc, "field", "answers"), str(exc)) from None


@router.get("/assessment", response_class=HTMLResponse)
async def assessment_page(ctx: CtxDep) -> Response:
    user = page_user(ctx)
    if isinstance(user, RedirectResponse):
        return user
    result, rec = _assess(ctx)
    recs = [r for r in ctx.state.store.recordings(user) if r.status == "done"]
    return render(
        ctx,
        "assessment.html",
        **_view(result),
        recording=rec,
        recordings=recs,
        print_mode=False,
    )


@router.get("/assessment.json")
async def assessment_json(ctx: CtxDep) -> Response:
    result, _ = _assess(ctx)
    return JSONResponse(result.to_dict())


@router.get("/assessment.pdf")
async def assessment_pdf(ctx: CtxDep) -> Response:
    from twitchscope.web.pdf import assessment_pdf as make_pdf

    user = page_user(ctx)
    if isinstance(user, RedirectResponse):
        return user
    result, _ = _assess(ctx)
    try:
        pdf = await asyncio.to_thread(make_pdf, result)
    except MissingDependencyError as exc:
        raise WebError(503, "pdf", str(exc)) from None
    return Response(
        pdf,
        media_type="application/pdf",
        headers={"content-disposition": 'attachment; filename="twitchscope-picture.pdf"'},
    )
