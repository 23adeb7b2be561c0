"""The person's pages: start, questions (emergency first), blood tests, the clinical picture."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from starlette.responses import HTMLResponse, RedirectResponse, Response

from twitchscope.errors import TwitchscopeError, ValidationError
from twitchscope.web.deps import Ctx, CtxDep, WebError
from twitchscope.web.forms import (
    emergency_yes,
    form_value,
    hint,
    merge_section,
    progress,
    question_pages,
    section_by_id,
)
from twitchscope.web.routes.common import page_user, render, see_other
from twitchscope.web.store import User

router = APIRouter()
#: What to do after a "yes" when the engine cannot say more (the answers are still incomplete).
EMERGENCY_NEXT_STEP = (
    "Call emergency services now (999 in the UK, 112 in Europe, 911 in the US), or go to the "
    "nearest emergency department."
)


@router.get("/", response_class=HTMLResponse)
async def home(ctx: CtxDep) -> Response:
    user = page_user(ctx)
    if isinstance(user, RedirectResponse):
        return user
    if user.is_clinician:
        return see_other("/people")
    answers, _ = ctx.state.store.answers(user)
    done, total = progress(answers)
    recs = ctx.state.store.recordings(user)
    n_episodes = len(ctx.state.diary(user).episodes())
    return render(
        ctx,
        "home.html",
        answered=done,
        total=total,
        recordings=recs[:3],
        n_episodes=n_episodes,
        n_labs=len(answers.get("labs", {})),
    )


def _first_open_page(answers: dict[str, Any]) -> str:
    for section in question_pages():
        if any(answers.get(q.id) is None for q in section.questions):
            return section.id
    return ""


@router.get("/questions")
async def questions_start(ctx: CtxDep) -> Response:
    """Resume: the first page with an unanswered question (emergency first)."""
    user = page_user(ctx)
    if isinstance(user, RedirectResponse):
        return user
    answers, _ = ctx.state.store.answers(user)
    first = _first_open_page(answers)
    return see_other(f"/questions/{first}" if first else "/assessment")


def _section_or_404(section_id: str) -> Any:
    section = section_by_id(section_id)
    if section is None or section not in question_pages():
        raise WebError(404, "section", "no such page of questions")
    return section


def _question_page(
    ctx: Ctx,
    user: User,
    section: Any,
    *,
    answers: dict[str, Any],
    raw: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    saved: bool = False,
    status: int = 200,
) -> HTMLResponse:
    pages = question_pages()
    i = pages.index(section)
    values = {q.id: form_value(q, answers.get(q.id)) for q in section.questions}
    if raw:
        values.update(raw)
    done, total = progress(answers)
    return render(
        ctx,
        "questions.html",
        status=status,
        section=section,
        pages=pages,
        page_index=i,
        values=values,
        errors=errors or {},
        hint=hint,
        answered=done,
        total=total,
        saved=saved,
        prev_page=pages[i - 1].id if i > 0 else None,
        next_page=pages[i + 1].id if i + 1 < len(pages) else None,
    )


@router.get("/questions/{section_id}", response_class=HTMLResponse)
async def question_page(section_id: str, ctx: CtxDep) -> Response:
    user = page_user(ctx)
    if isinstance(user, RedirectResponse):
        return user
    section = _section_or_404(section_id)
    answers, _ = ctx.state.store.answers(user)
    return _question_page(ctx, user, section, answers=answers)


@router.post("/questions/{section_id}", response_class=HTMLResponse)
async def save_question_page(section_id: str, ctx: CtxDep) -> Response:
    user = page_user(ctx)
    if isinstance(user, RedirectResponse):
        return user
    await ctx.check_unsafe()
    section = _section_or_404(section_id)
    form = await ctx.request.form()
    saved, skipped = ctx.state.store.answers(user)
    answers, errors, raw = merge_section(saved, section, form)
    ctx.state.store.save_answers(user, answers, skipped)
    if section.is_emergency and emergency_yes(answers):
        return see_other("/emergency")
    if errors:
        return _question_page(
            ctx, user, section, answers=answers, raw=raw, errors=errors, status=422
        )
    pages = question_pages()
    i = pages.index(section)
    go = form.get("go")
    if go == "back" and i > 0:
        return see_other(f"/questions/{pages[i - 1].id}")
    if go == "stay":
        return see_other(f"/questions/{section.id}?saved=1")
    if i + 1 < len(pages):
        return see_other(f"/questions/{pages[i + 1].id}")
    return see_other("/labs")


@router.get("/emergency", response_class=HTMLResponse)
async def emergency(ctx: CtxDep) -> Response:
    """What to do now after a "yes" to an emergency question; the warning signs otherwise."""
    from twitchscope.clinical import assess
    from twitchscope.report.clinical_view import finding_context, question_texts, triage_context
    from twitchscope.web.forms import unanswered_emergency, usable_answers

    user = page_user(ctx)
    if isinstance(user, RedirectResponse):
        return user
    answers, _ = ctx.state.store.answers(user)
    yes = emergency_yes(answers)
    next_step = EMERGENCY_NEXT_STEP
    found: list[dict[str, Any]] = []
    if yes:
        try:
            result = assess(usable_answers(answers))
        except TwitchscopeError:
            result = None  # the "yes" alone decides what this page says
        if result is not None and result.triage == "emergency":
            next_step = result.next_step
            found = [finding_context(f) for f in result.findings if f.tier == "emergency"]
    return render(
        ctx,
        "emergency.html",
        yes=yes,
        tri=triage_context("emergency", next_step),
        emergency_findings=found,
        unanswered_texts=question_texts([q.id for q in unanswered_emergency(answers)]),
    )


# --- blood tests -----------------------------------------------------------------------


def _lab_rows(
    answers: dict[str, Any], raw: dict[str, dict[str, str]] | None = None
) -> list[dict[str, Any]]:
    from twitchscope.clinical.knowledge import load_knowledge
    from twitchscope.clinical.labs import interpret_labs

    tests = load_knowledge().labs["tests"]
    labs = answers.get("labs", {})
    results: dict[str, Any] = {}
    if labs:
        try:
            results = interpret_labs(labs, answers=answers).results
        except TwitchscopeError:
            results = {}
    rows = []
    for name, spec in tests.items():
        entered = labs.get(name, {})
        typed = (raw or {}).get(name, {})
        res = results.get(name)
        rows.append(
            {
                "id": name,
                "title": spec.get("title", name),
                "canonical": spec["unit"],
                "units": [
                    {
                        "name": u,
                        "factor": float(c.get("factor", 1.0)),
                        "divide": float(c.get("divide_by", 1.0)),
                        "offset": float(c.get("offset_before", 0.0)),
                        "round": c.get("round_digits"),
                    }
                    for u, c in spec["units"].items()
                ],
                "value": typed.get("value", "" if not entered else f"{entered['value']:g}"),
                "unit": typed.get("unit", entered.get("unit", spec["unit"])),
                "result": res,
            }
        )
    return rows


@router.get("/labs", response_class=HTMLResponse)
async def labs_page(ctx: CtxDep) -> Response:
    user = page_user(ctx)
    if isinstance(user, RedirectResponse):
        return user
    answers, _ = ctx.state.store.answers(user)
    saved = ctx.request.query_params.get("saved") == "1"
    return render(ctx, "labs.html", rows=_lab_rows(answers), errors={}, saved=saved)


@router.post("/labs", response_class=HTMLResponse)
async def save_labs(ctx: CtxDep) -> Response:
    from twitchscope.clinical.answers import validate_answers
    from twitchscope.clinical.knowledge import load_knowledge

    user = page_user(ctx)
    if isinstance(user, RedirectResponse):
        return user
    await ctx.check_unsafe()
    form = await ctx.request.form()
    answers, skipped = ctx.state.store.answers(user)
    labs = dict(answers.get("labs", {}))
    errors: dict[str, str] = {}
    raw: dict[str, dict[str, str]] = {}
    for name in load_knowledge().labs["tests"]:
        value = form.get(f"{name}__value")
        unit = form.get(f"{name}__unit")
        text = value.strip().replace(",", ".") if isinstance(value, str) else ""
        unit_text = unit.strip() if isinstance(unit, str) else ""
        raw[name] = {"value": text, "unit": unit_text}
        if not text:
            labs.pop(name, None)
            continue
        try:
            number = float(text)
        except ValueError:
            errors[name] = f"{text!r} is not a number"
            continue
        trial = {**labs, name: {"value": number, "unit": unit_text}}
        try:
            validate_answers({**answers, "labs": trial})
        except ValidationError as exc:
            errors[name] = exc.problem
            continue
        labs = trial
    if labs:
        answers["labs"] = labs
    else:
        answers.pop("labs", None)
    ctx.state.store.save_answers(user, answers, skipped)
    if errors:
        return render(
            ctx, "labs.html", status=422, rows=_lab_rows(answers, raw), errors=errors, saved=False
        )
    if ctx.request.query_params.get("then") == "picture" or form.get("go") == "picture":
        return see_other("/assessment")
    return see_other("/labs?saved=1")
