"""``assessment.html``: the clinical picture as one self-contained, printable page.

Order: the triage tier and next step (an emergency is unmistakable), emergency questions still
unanswered, findings with plain reasons and their sources folded underneath, what else is
unknown, the RLS criteria (only where restless legs matter), lab values, diary and recording,
tests to discuss (in plain words), self-care, questions for the doctor, notes, and the
disclaimer. Everything shown is computed in :class:`~twitchscope.clinical.Assessment`;
:func:`~twitchscope.report.clinical_view.assessment_context` turns it into the values the
template ``assessment.html`` lays out (the web app uses the same macros).
"""

from __future__ import annotations

from os import PathLike
from pathlib import Path
from typing import TYPE_CHECKING

from twitchscope.report.clinical_view import assessment_context
from twitchscope.report.templating import TIER_LABELS, render

if TYPE_CHECKING:
    import pandas as pd

    from twitchscope.clinical.assessment import Assessment

__all__ = ["TIER_LABELS", "render_assessment_html", "write_assessment_html"]


def render_assessment_html(
    assessment: Assessment,
    *,
    page_size: str = "a4",
    episodes: pd.DataFrame | None = None,
) -> str:
    """Render an assessment as a complete HTML page (self-contained, escaped).

    Parameters
    ----------
    assessment : Assessment
        The result of :func:`twitchscope.clinical.assess`.
    page_size : {"a4", "letter"}
        Paper size of the print rules.
    episodes : DataFrame, optional
        The diary's episodes (``Diary.episodes``), to list the latest under the diary patterns.

    Returns
    -------
    str
        The HTML document.
    """
    context = assessment_context(assessment, episodes=episodes)
    return render("assessment.html", {"a": context}, page_size=page_size)


def write_assessment_html(
    assessment: Assessment, path: str | PathLike[str], *, page_size: str = "a4"
) -> Path:
    """Write ``assessment.html``; return its path."""
    p = Path(path)
    p.write_text(render_assessment_html(assessment, page_size=page_size), encoding="utf-8")
    return p
