"""Reports: the night (``report.html``), the clinical picture (``assessment.html``) and the report
to take to the doctor (HTML or PDF), rendered from Jinja2 templates shared with the web app.

Public functions (imported lazily, so ``import twitchscope.report`` costs nothing):

* :func:`render_score_report` (``ScoreResult -> str``), :func:`render_night_report`
  (``NightView -> str``), :func:`load_night` (a ``twitchscope score`` output folder ->
  :class:`NightView`), :func:`night_context`;
* :func:`render_assessment_html`, :func:`write_assessment_html`, :func:`assessment_context`;
* :func:`doctor_report`, :func:`render_doctor_html`, :func:`write_doctor_report`;
* :func:`html_to_pdf`, :func:`assessment_pdf_bytes` (the ``pdf`` extra);
* figures: :func:`night_overview`, :func:`hourly_counts`, :func:`imi_histogram`,
  :func:`diary_hours` (SVG);
* templates: :func:`environment`, :func:`template_loader`, :func:`install_helpers`,
  :data:`TEMPLATE_DIR`.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from twitchscope.report.assessment_report import (
        render_assessment_html,
        write_assessment_html,
    )
    from twitchscope.report.clinical_view import assessment_context, diary_context
    from twitchscope.report.doctor import (
        DoctorReport,
        doctor_report,
        render_doctor_html,
        write_doctor_report,
    )
    from twitchscope.report.figures import (
        diary_hours,
        hourly_counts,
        imi_histogram,
        night_overview,
    )
    from twitchscope.report.night import NightView, load_night
    from twitchscope.report.pdf import assessment_pdf_bytes, html_to_pdf
    from twitchscope.report.score_report import (
        night_context,
        render_night_report,
        render_score_report,
    )
    from twitchscope.report.svg import SvgFigure
    from twitchscope.report.templating import (
        TEMPLATE_DIR,
        environment,
        install_helpers,
        template_loader,
    )

_WHERE: dict[str, str] = {
    "render_assessment_html": "assessment_report",
    "write_assessment_html": "assessment_report",
    "assessment_context": "clinical_view",
    "diary_context": "clinical_view",
    "DoctorReport": "doctor",
    "doctor_report": "doctor",
    "render_doctor_html": "doctor",
    "write_doctor_report": "doctor",
    "diary_hours": "figures",
    "hourly_counts": "figures",
    "imi_histogram": "figures",
    "night_overview": "figures",
    "NightView": "night",
    "load_night": "night",
    "html_to_pdf": "pdf",
    "assessment_pdf_bytes": "pdf",
    "night_context": "score_report",
    "render_night_report": "score_report",
    "render_score_report": "score_report",
    "SvgFigure": "svg",
    "TEMPLATE_DIR": "templating",
    "environment": "templating",
    "install_helpers": "templating",
    "template_loader": "templating",
}

__all__ = [
    "TEMPLATE_DIR",
    "DoctorReport",
    "NightView",
    "SvgFigure",
    "assessment_context",
    "assessment_pdf_bytes",
    "diary_context",
    "diary_hours",
    "doctor_report",
    "environment",
    "hourly_counts",
    "html_to_pdf",
    "imi_histogram",
    "install_helpers",
    "load_night",
    "night_context",
    "night_overview",
    "render_assessment_html",
    "render_doctor_html",
    "render_night_report",
    "render_score_report",
    "template_loader",
    "write_assessment_html",
    "write_doctor_report",
]


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'twitchscope.report' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"twitchscope.report.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__
