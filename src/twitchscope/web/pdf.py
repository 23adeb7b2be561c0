"""PDF of the clinical picture (the report module's PDF renderer, WeasyPrint)."""

from __future__ import annotations

from typing import Any


def assessment_pdf(assessment: Any, html: str) -> bytes:
    """The assessment as PDF bytes.

    Uses the report module's PDF renderer when it has one, else WeasyPrint on ``html`` (the
    printable page).

    Raises
    ------
    MissingDependencyError
        When no PDF renderer is installed.
    """
    from twitchscope.errors import MissingDependencyError

    try:
        from twitchscope.report import pdf as report_pdf  # type: ignore[attr-defined]
    except ImportError:
        report_pdf = None
    if report_pdf is not None and hasattr(report_pdf, "assessment_pdf_bytes"):
        return bytes(report_pdf.assessment_pdf_bytes(assessment))
    try:
        import weasyprint
    except (ImportError, OSError):
        raise MissingDependencyError("weasyprint", "pdf", "the PDF download") from None
    return bytes(weasyprint.HTML(string=html).write_pdf())
