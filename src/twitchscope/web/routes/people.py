"""A clinician's pages: the people of this app, each person's picture and nights (read-only).

Only accounts with the ``clinician`` role reach them (with accounts on). A clinician sees what
a person entered and the picture drawn from it, and reviews their nights (the review pages
record the clinician's name with every edit); answers and diary stay the person's to change.
"""

from __future__ import annotations

import asyncio
from typing import Any

from fastapi import APIRouter
from starlette.responses import HTMLResponse, RedirectResponse, Response

from twitchscope.errors import TwitchscopeError
from twitchscope.web.deps import Ctx, CtxDep, WebError
from twitchscope.web.routes.common import page_user, render
from twitchscope.web.store import User

router = APIRouter()
#: The order people are listed in: the most urgent picture first.
TIER_ORDER = {"emergency": 0, "urgent": 1, "see_doctor": 2, "self_care": 3}


def _clinician(ctx: Ctx) -> User | RedirectResponse:
    user = page_user(ctx)
    if isinstance(user, RedirectResponse):
        return user
    if not user.is_clinician:
        raise WebError(403, "role", "only a clinician's account sees other people's pages")
    return user


def _person(ctx: Ctx, person_id: int) -> User:
    person = ctx.state.store.user(person_id)
    if person is None or person.is_clinician:
        raise WebError(404, "id", "no such person")
    return person


def _triage(ctx: Ctx, person: User) -> tuple[str, str]:
    """The tier of a person's picture and its words ('' when it cannot be drawn)."""
    from twitchscope.report.templating import tier_label
    from twitchscope.web.picture import person_assessment

    try:
        result, _ = person_assessment(ctx.state, person)
    except TwitchscopeError:
        return "", "could not be drawn"
    return result.triage, tier_label(result.triage)


@router.get("/people", response_class=HTMLResponse)
async def people_page(ctx: CtxDep) -> Response:
    """Every person with an account: the urgency of their picture, answers, diary and nights."""
    from twitchscope.web.forms import emergency_yes, progress

    user = _clinician(ctx)
    if isinstance(user, RedirectResponse):
        return user
    store = ctx.state.store
    rows: list[dict[str, Any]] = []
    for person in store.users():
        if person.is_clinician:
            continue
        answers, _ = store.answers(person)
        done, total = progress(answers)
        nights = store.recordings(person)
        tier, label = await asyncio.to_thread(_triage, ctx, person)
        rows.append(
            {
                "person": person,
                "tier": tier,
                "tier_label": label,
                "emergency_yes": len(emergency_yes(answers)),
                "answered": done,
                "total": total,
                "episodes": len(ctx.state.diary(person).episodes()),
                "nights": len(nights),
                "to_review": sum(1 for r in nights if r.status == "done" and not r.reviewed_at),
            }
        )
    rows.sort(key=lambda r: (TIER_ORDER.get(r["tier"], 9), r["person"].name))
    return render(ctx, "people.html", people=rows)


@router.get("/people/{person_id}", response_class=HTMLResponse)
async def person_page(person_id: int, ctx: CtxDep) -> Response:
    """A person's picture as they see it, with their nights (read-only)."""
    from twitchscope.report.clinical_view import assessment_context
    from twitchscope.web.picture import diary_episodes
    from twitchscope.web.routes.picture import assess_for

    user = _clinician(ctx)
    if isinstance(user, RedirectResponse):
        return user
    person = _person(ctx, person_id)
    result, rec = assess_for(ctx, person)
    ac = assessment_context(result, episodes=diary_episodes(ctx.state, person))
    nights = ctx.state.store.recordings(person)
    return render(
        ctx,
        "picture.html",
        ac=ac,
        recording=rec,
        recordings=[r for r in nights if r.status == "done"],
        person=person,
        nights=nights,
    )


@router.get("/people/{person_id}/assessment.pdf")
async def person_picture_pdf(person_id: int, ctx: CtxDep) -> Response:
    """A person's picture as PDF."""
    from twitchscope.web.pdf import assessment_pdf
    from twitchscope.web.picture import diary_episodes
    from twitchscope.web.routes.picture import assess_for, pdf_response

    user = _clinician(ctx)
    if isinstance(user, RedirectResponse):
        return user
    person = _person(ctx, person_id)
    result, _ = assess_for(ctx, person)
    episodes = diary_episodes(ctx.state, person)
    return await pdf_response(
        assessment_pdf, (result, episodes), f"twitchscope-picture-{person.name}.pdf"
    )


@router.get("/people/{person_id}/report.pdf")
async def person_doctor_pdf(person_id: int, ctx: CtxDep) -> Response:
    """The report for the doctor of a person, as PDF."""
    from twitchscope.web.routes.picture import doctor_pdf_for

    user = _clinician(ctx)
    if isinstance(user, RedirectResponse):
        return user
    person = _person(ctx, person_id)
    rec_id = ctx.request.query_params.get("recording") or None
    return await doctor_pdf_for(ctx, person, rec_id, f"twitchscope-report-{person.name}.pdf")
