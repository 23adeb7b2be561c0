"""PDF of the clinical picture: the report module's assessment report, rendered to PDF."""

from __future__ import annotations

import importlib
from typing import Any


def assessment_pdf(assessment: Any) -> bytes:
    """The assessment as PDF bytes.

    The page is the report module's self-contained assessment report (the same one
    ``twitchscope assess`` writes), rendered by the report module's PDF function (WeasyPrint);
    the PDF therefore matches the printed report.

    Raises
    ------
    MissingDependencyError
        When no PDF renderer (WeasyPrint and its system libraries) is installed.
    """
    from twitchscope.errors import MissingDependencyError
    from twitchscope.report.assessment_report import render_assessment_html

    html = render_assessment_html(assessment)
    try:
        report_pdf = importlib.import_module("twitchscope.report.pdf")
    except ImportError:
        report_pdf = None
    if report_pdf is not None and hasattr(report_pdf, "html_to_pdf"):
        return bytes(report_pdf.html_to_pdf(html))
    try:
        weasyprint = importlib.import_module("weasyprint")
    except (ImportError, OSError):
        raise MissingDependencyError("weasyprint", "pdf", "the PDF download") from None
    return bytes(weasyprint.HTML(string=html).write_pdf())
