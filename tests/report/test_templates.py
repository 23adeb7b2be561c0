"""The shared templates: they compile, escape, and can be used from another environment."""

from __future__ import annotations

import jinja2
import pytest
from _report_data import HOSTILE, make_result
from markupsafe import Markup

from twitchscope.report import templating
from twitchscope.report.night import NightView
from twitchscope.report.score_report import night_context
from twitchscope.report.templating import (
    TEMPLATE_DIR,
    css_string,
    environment,
    install_helpers,
    page_size_css,
    render,
    template_loader,
)

PARTIALS = (
    "macros/indices.html",
    "macros/figures.html",
    "macros/night.html",
    "macros/clinical.html",
    "macros/diary.html",
    "macros/disclaimer.html",
)


def test_every_template_compiles_with_autoescape() -> None:
    env = environment()
    names = env.list_templates(extensions=["html", "css"])
    for name in ("base.html", "night.html", "assessment.html", "doctor.html", *PARTIALS):
        assert name in names
    for name in names:
        env.get_template(name)
    assert env.autoescape is True
    assert isinstance(env.undefined, type) and issubclass(env.undefined, jinja2.StrictUndefined)


def test_a_web_page_can_extend_the_base_and_use_the_macros() -> None:
    page = jinja2.DictLoader(
        {
            "upload.html": (
                '{% extends "base.html" %}'
                '{% from "macros/indices.html" import indices_section %}'
                '{% from "macros/night.html" import night_overview, warnings %}'
                "{% block title %}My nights{% endblock %}"
                "{% block content %}<p>{{ user_text }}</p>{{ indices_section(night) }}"
                "{{ warnings(night.warnings) }}{{ night_overview(night) }}{% endblock %}"
            )
        }
    )
    env = jinja2.Environment(loader=jinja2.ChoiceLoader([page, template_loader()]), autoescape=True)
    install_helpers(env)
    night = night_context(NightView.from_result(make_result()))
    html = env.get_template("upload.html").render(
        user_text=HOSTILE, night=night, page_size="A4", made_at="now"
    )
    assert "<title>My nights</title>" in html
    assert "&lt;script&gt;" in html and "<script" not in html
    assert "PLMS index" in html and html.count("<svg") == 1
    assert "Not a diagnosis." in html


def test_css_string_cannot_break_out_of_the_style_element() -> None:
    text = css_string('a "quote" \\ </style><script>x</script>\nline')
    assert isinstance(text, Markup)
    assert "<" not in text and ">" not in text and "\n" not in text
    assert text.startswith('"') and text.endswith('"') and text.count('"') == 2


def test_page_sizes() -> None:
    assert page_size_css("A4") == "A4" and page_size_css("letter") == "letter"
    with pytest.raises(ValueError, match="a4, letter"):
        page_size_css("legal")
    with pytest.raises(ValueError):
        render("night.html", {}, page_size="tabloid")


def test_undefined_values_are_errors_not_blanks() -> None:
    with pytest.raises(jinja2.UndefinedError):
        render("night.html", {})


def test_number_filter() -> None:
    f = templating.fmt_number
    assert f(1.234) == "1.2" and f(None) == "n/a" and f(float("nan")) == "n/a"
    assert f(True) == "n/a" and f("3") == "n/a" and f(3, ".0f") == "3"


def test_templates_ship_inside_the_package() -> None:
    assert TEMPLATE_DIR.name == "templates" and TEMPLATE_DIR.parent.name == "report"
    assert (TEMPLATE_DIR / "report.css").is_file()
