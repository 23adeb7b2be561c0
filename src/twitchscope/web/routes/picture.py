"""The clinical picture page: printable, as JSON, and as a PDF download."""

from __future__ import annotations

import asyncio
from typing import Any

from fastapi import APIRouter
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from twitchscope.errors import MissingDependencyError, TwitchscopeError, ValidationError
from twitchscope.web.deps import Ctx, CtxDep, WebError
from twitchscope.web.picture import person_assessment
from twitchscope.web.routes.common import page_user, render
from twitchscope.web.store import User

router = APIRouter()


def assess_for(ctx: Ctx, person: User) -> tuple[Any, Any]:
    """The picture of ``person`` with the night the query names (``?recording=``).

    Saved input that cannot be used is a 422 naming its field.
    """
    rec_id = ctx.request.query_params.get("recording") or None
    try:
        return person_assessment(ctx.state, person, rec_id)
    except TwitchscopeError as exc:
        raise WebError(422, getattr(exc, "field", "answers"), str(exc)) from None


@router.get("/assessment", response_class=HTMLResponse)
async def assessment_page(ctx: CtxDep) -> Response:
    user = page_user(ctx)
    if isinstance(user, RedirectResponse):
        return user
    from twitchscope.report.clinical_view import assessment_context
    from twitchscope.web.picture import diary_episodes

    result, rec = assess_for(ctx, ctx.require_user())
    recs = [r for r in ctx.state.store.recordings(user) if r.status == "done"]
    ac = assessment_context(result, episodes=diary_episodes(ctx.state, user))
    return render(
        ctx, "picture.html", ac=ac, recording=rec, recordings=recs, person=None, nights=[]
    )


@router.get("/assessment.json")
async def assessment_json(ctx: CtxDep) -> Response:
    result, _ = assess_for(ctx, ctx.require_user())
    return JSONResponse(result.to_dict())


@router.get("/assessment.pdf")
async def assessment_pdf(ctx: CtxDep) -> Response:
    """The picture as PDF (the assessment report)."""
    from twitchscope.web.pdf import assessment_pdf as make_pdf
    from twitchscope.web.picture import diary_episodes

    user = page_user(ctx)
    if isinstance(user, RedirectResponse):
        return user
    result, _ = assess_for(ctx, ctx.require_user())
    episodes = diary_episodes(ctx.state, user)
    return await pdf_response(make_pdf, (result, episodes), "twitchscope-picture.pdf")


@router.get("/report.pdf")
async def doctor_pdf(ctx: CtxDep) -> Response:
    """The report to take to the doctor (answers, labs, diary and a night) as PDF."""
    user = page_user(ctx)
    if isinstance(user, RedirectResponse):
        return user
    rec_id = ctx.request.query_params.get("recording") or None
    return await doctor_pdf_for(ctx, user, rec_id, "twitchscope-report-for-your-doctor.pdf")


async def doctor_pdf_for(ctx: Ctx, person: User, rec_id: str | None, name: str) -> Response:
    """The report for the doctor of ``person`` as a PDF download named ``name``."""
    from twitchscope.web.pdf import doctor_pdf as make_pdf
    from twitchscope.web.picture import doctor_report_for

    try:
        report = await asyncio.to_thread(doctor_report_for, ctx.state, person, rec_id)
    except ValidationError as exc:
        if exc.field == "inputs":
            raise WebError(
                409,
                "inputs",
                "nothing to report yet: answer the questions, add diary episodes or a night first",
            ) from None
        raise WebError(422, exc.field, exc.problem) from None
    except TwitchscopeError as exc:
        raise WebError(422, "report", str(exc)) from None
    return await pdf_response(make_pdf, (report,), name)


async def pdf_response(make: Any, args: tuple[Any, ...], name: str) -> Response:
    """Run ``make(*args)`` off the event loop and send its bytes as a PDF download."""
    try:
        pdf = await asyncio.to_thread(make, *args)
    except MissingDependencyError as exc:
        raise WebError(503, "pdf", str(exc)) from None
    return Response(
        pdf,
        media_type="application/pdf",
        headers={"content-disposition": f'attachment; filename="{name}"'},
    )
