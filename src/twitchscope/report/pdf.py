"""PDF from a report's HTML through WeasyPrint (the ``pdf`` extra).

The HTML is the same one the browser shows; its print rules (``@page``) set the paper size, keep
each figure on one page with its caption, and put the disclaimer and page numbers in the margins
of every page. WeasyPrint needs Pango (Debian: ``libpango-1.0-0 libpangoft2-1.0-0
libharfbuzz-subset0``) and fonts (``fonts-dejavu-core``); ``scripts/setup_system.sh`` installs
them.
"""

from __future__ import annotations

import logging
import os
from os import PathLike
from pathlib import Path
from typing import Any, Final

from twitchscope.errors import InputFileError, MissingDependencyError

SYSTEM_HINT: Final[str] = (
    "WeasyPrint also needs the Pango library and fonts: on Debian/Ubuntu "
    "`apt-get install libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core` "
    "(or run scripts/setup_system.sh as root)"
)


def _weasyprint() -> Any:
    """Import WeasyPrint, or raise a clear error saying how to install what is missing."""
    try:
        import weasyprint
    except ImportError:
        raise MissingDependencyError("weasyprint", "pdf", "Writing a PDF report") from None
    except OSError as exc:  # the package is there but Pango/fontconfig cannot be loaded
        raise MissingDependencyError(
            "weasyprint", "pdf", f"Writing a PDF report ({exc}; {SYSTEM_HINT})"
        ) from None
    # WeasyPrint logs every CSS property it ignores (e.g. browser-only rules) as a warning.
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    return weasyprint


def _no_fetcher(weasyprint: Any) -> Any:
    """A URL fetcher that fetches nothing: reports are self-contained, so anything else a page
    names (a file, a web address) is skipped, never read."""
    fetcher_class = getattr(weasyprint, "URLFetcher", None)
    if fetcher_class is not None:  # WeasyPrint >= 68: fetchers are objects
        return fetcher_class(allowed_protocols=frozenset(), fail_on_errors=False)

    def no_fetch(url: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
        raise ValueError(f"external resource not fetched: {url[:80]}")

    return no_fetch


def html_to_pdf(html: str, path: str | PathLike[str] | None = None) -> bytes:
    """Render a self-contained report page to PDF.

    Parameters
    ----------
    html : str
        A complete HTML document (a twitchscope report: no external resources are fetched).
    path : path-like, optional
        Where to write the PDF (written atomically); when None only the bytes are returned.

    Returns
    -------
    bytes
        The PDF.

    Raises
    ------
    MissingDependencyError
        When WeasyPrint or its system libraries are missing (the message says how to install).
    InputFileError
        When ``path`` cannot be written.
    """
    weasyprint = _weasyprint()

    doc = weasyprint.HTML(string=html, base_url=None, url_fetcher=_no_fetcher(weasyprint))
    data: bytes = doc.write_pdf()
    if path is not None:
        p = Path(path)
        tmp = p.with_name(p.name + ".part")
        try:
            tmp.write_bytes(data)
            os.replace(tmp, p)
        except OSError as exc:
            tmp.unlink(missing_ok=True)
            raise InputFileError(p, f"cannot write the PDF ({exc.strerror})") from None
    return data


def assessment_pdf_bytes(assessment: Any, *, page_size: str = "a4") -> bytes:
    """The clinical picture (``assessment.html``) as PDF bytes, e.g. for a web download.

    Parameters
    ----------
    assessment : Assessment
        The result of :func:`twitchscope.clinical.assess`.
    page_size : {"a4", "letter"}
    """
    from twitchscope.report.assessment_report import render_assessment_html

    return html_to_pdf(render_assessment_html(assessment, page_size=page_size))
