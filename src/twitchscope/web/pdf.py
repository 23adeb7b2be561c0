"""PDFs of the clinical picture and of the report for the doctor (the report module's pages,
rendered by its WeasyPrint function)."""

from __future__ import annotations

from typing import Any


def assessment_pdf(assessment: Any, episodes: Any = None) -> bytes:
    """The assessment report (as ``twitchscope assess`` writes it) as PDF bytes.

    Raises
    ------
    MissingDependencyError
        When WeasyPrint or its system libraries are missing (the message says how to install).
    """
    from twitchscope.report.assessment_report import render_assessment_html
    from twitchscope.report.pdf import html_to_pdf

    return bytes(html_to_pdf(render_assessment_html(assessment, episodes=episodes)))


def doctor_pdf(report: Any) -> bytes:
    """The report to take to the doctor (``twitchscope report``) as PDF bytes.

    Raises
    ------
    MissingDependencyError
        When WeasyPrint or its system libraries are missing.
    """
    from twitchscope.report.doctor import render_doctor_html
    from twitchscope.report.pdf import html_to_pdf

    return bytes(html_to_pdf(render_doctor_html(report)))
