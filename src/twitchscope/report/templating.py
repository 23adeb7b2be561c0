"""The Jinja2 environment of every twitchscope report (and of the web app's pages).

Templates live in ``twitchscope/report/templates/``:

``base.html``
    The page layout: inline CSS (``report.css``), header, ``{% block content %}``, the
    disclaimer footer, and print rules (paper size, the disclaimer and page numbers in the page
    margins of every printed page). Blocks: ``title``, ``subtitle``, ``head``, ``header``,
    ``content``, ``footer``.
``night.html``, ``assessment.html``, ``doctor.html``
    The three reports; each extends ``base.html``.
``macros/*.html``
    One macro per piece (indices table and cards, figure with caption, warnings, findings, RLS
    criteria, labs table, diary patterns, disclaimer, ...), to ``{% import %}`` into any page.

Autoescape is on for every template: text from files and people is escaped wherever it is
shown. Figures are :class:`~twitchscope.report.svg.SvgFigure` values, built escaped, which
Jinja2 inserts as they are.

A web app can use the same templates with its own environment::

    env = jinja2.Environment(loader=jinja2.ChoiceLoader([my_loader, template_loader()]),
                             autoescape=True)
    install_helpers(env)
"""

from __future__ import annotations

import functools
import math
import os
import re
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final

import jinja2
from markupsafe import Markup

from twitchscope._version import __version__
from twitchscope.disclaimer import DISCLAIMER

#: The folder of the report templates (shared with the web app).
TEMPLATE_DIR: Final[Path] = Path(__file__).resolve().parent / "templates"
#: Paper sizes the print rules know, as CSS ``@page size`` values.
PAGE_SIZES: Final[dict[str, str]] = {"a4": "A4", "letter": "letter"}
TIER_LABELS: Final[dict[str, str]] = {
    "emergency": "Emergency",
    "urgent": "Urgent: see a doctor within days",
    "see_doctor": "See a doctor",
    "self_care": "Self-care",
}
_CSS_UNSAFE: Final = re.compile(r"[\\\"'<>&\n\r\f]")


def template_loader() -> jinja2.BaseLoader:
    """A loader of the report templates, to combine with a web app's own loader."""
    return jinja2.FileSystemLoader(str(TEMPLATE_DIR))


def css_string(text: object) -> Markup:
    """A quoted CSS string of ``text`` (for ``content:`` in print rules), safe inside ``<style>``.

    Quotes, backslashes, line breaks and ``<``, ``>``, ``&`` become CSS escapes, so the text can
    neither end the string nor the ``<style>`` element.
    """
    body = _CSS_UNSAFE.sub(lambda m: f"\\{ord(m.group()):x} ", str(text))
    return Markup(f'"{body}"')


def fmt_number(value: Any, spec: str = ".1f", missing: str = "n/a") -> str:
    """A number formatted with ``spec``; ``missing`` for None, NaN, text and booleans."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return missing
    if not math.isfinite(float(value)):
        return missing
    return format(value, spec)


def page_size_css(page_size: str) -> str:
    """The CSS ``@page size`` value for ``a4`` or ``letter``.

    Raises
    ------
    ValueError
        For another paper size.
    """
    key = page_size.strip().lower()
    if key not in PAGE_SIZES:
        raise ValueError(f"page size must be one of {', '.join(PAGE_SIZES)}, got {page_size!r}")
    return PAGE_SIZES[key]


def tier_label(tier: str) -> str:
    """Words for a triage tier (``see_doctor`` -> ``See a doctor``)."""
    return TIER_LABELS.get(tier, tier.replace("_", " "))


def install_helpers(env: jinja2.Environment) -> jinja2.Environment:
    """Add the filters and globals the report templates use to ``env``; return it."""
    env.filters["css_string"] = css_string
    env.filters["num"] = fmt_number
    env.filters["tier_label"] = tier_label
    env.globals.setdefault("DISCLAIMER", DISCLAIMER)
    env.globals.setdefault("twitchscope_version", __version__)
    return env


def _bytecode_cache() -> jinja2.BytecodeCache | None:
    """Jinja2's per-user cache of compiled templates (a private folder in the temp directory).

    Compiling the report templates is most of the first rendering in a process (which is every
    ``twitchscope score``); the cache is keyed by each template's source, so edited templates
    recompile. None when no safe cache folder can be had (rendering then just compiles).
    """
    if os.environ.get("TWITCHSCOPE_NO_TEMPLATE_CACHE"):
        return None
    try:
        return jinja2.FileSystemBytecodeCache()
    except (OSError, RuntimeError):
        return None


@functools.cache
def environment() -> jinja2.Environment:
    """The shared environment (autoescape on, undefined variables are errors)."""
    env = jinja2.Environment(
        loader=template_loader(),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        bytecode_cache=_bytecode_cache(),
    )
    return install_helpers(env)


def render(template: str, context: Mapping[str, Any], *, page_size: str = "a4") -> str:
    """Render a report template to a complete HTML document.

    Parameters
    ----------
    template : str
        The template's name (``night.html``, ``assessment.html``, ``doctor.html``).
    context : mapping
        The template's variables.
    page_size : {"a4", "letter"}
        Paper size of the print rules (browser printing and PDF).
    """
    made = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    values = {"page_size": page_size_css(page_size), "made_at": made, **context}
    return environment().get_template(template).render(values)
