"""PDF reports through WeasyPrint: A4 and Letter pages, the disclaimer on every page, figures
kept with their captions, and a clear error when the extra is missing."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest
from _report_data import make_result

from twitchscope.errors import MissingDependencyError
from twitchscope.report import doctor_report, html_to_pdf, write_doctor_report
from twitchscope.report.score_report import render_score_report

pypdf = pytest.importorskip("pypdf")

A4 = (595.28, 841.89)  # points
LETTER = (612.0, 792.0)


def pages_text(data: bytes) -> tuple[list[tuple[float, float]], list[str]]:
    reader = pypdf.PdfReader(io.BytesIO(data))
    sizes = [(float(p.mediabox.width), float(p.mediabox.height)) for p in reader.pages]
    texts = [" ".join((p.extract_text() or "").split()) for p in reader.pages]
    return sizes, texts


@pytest.fixture(scope="module")
def doctor_pdfs(
    tmp_path_factory: pytest.TempPathFactory, night_dir: Path
) -> dict[str, tuple[Path, bytes]]:
    from _report_data import ROOT

    rep = doctor_report(
        answers=ROOT / "examples" / "answers_example.json",
        labs=ROOT / "examples" / "labs_example.json",
        recording=night_dir,
    )
    # A4 here; Letter is checked on the night report below (each PDF costs seconds)
    path = write_doctor_report(rep, tmp_path_factory.mktemp("pdf") / "report.pdf")
    return {"a4": (path, path.read_bytes())}


def test_doctor_pdf_pages(doctor_pdfs: dict[str, tuple[Path, bytes]]) -> None:
    points = A4
    _, data = doctor_pdfs["a4"]
    assert data.startswith(b"%PDF-")
    sizes, texts = pages_text(data)
    assert 2 <= len(sizes) <= 8  # a few printable pages
    for w, h in sizes:
        assert w == pytest.approx(points[0], abs=1.0) and h == pytest.approx(points[1], abs=1.0)
    for i, text in enumerate(texts, start=1):
        # the disclaimer in the margin, and page numbers, on every page
        assert "it does not diagnose" in text, f"page {i} has no disclaimer"
        assert f"page {i} of {len(texts)}" in text
    whole = " ".join(texts)
    for heading in ("What this report was made from", "The night's recording", "Lab values"):
        assert heading in whole


def test_figures_stay_with_their_captions(doctor_pdfs: dict[str, tuple[Path, bytes]]) -> None:
    _, data = doctor_pdfs["a4"]
    _, texts = pages_text(data)
    # (text drawn inside the figure, start of its caption)
    pairs = [
        ("periodic movement (PLM)", "Top: sleep stages (hypnogram)"),
        ("By hour since the recording started", "Periodic movements per hour since"),
        ("PLM window", "Onset-to-onset intervals between"),
    ]
    for inside, caption in pairs:
        fig_pages = [i for i, t in enumerate(texts) if inside in t]
        cap_pages = [i for i, t in enumerate(texts) if caption in t]
        assert fig_pages and cap_pages and fig_pages[0] == cap_pages[0], (inside, texts)


def test_night_report_as_pdf(tmp_path: Path) -> None:
    data = html_to_pdf(render_score_report(make_result(), page_size="letter"), tmp_path / "n.pdf")
    assert (tmp_path / "n.pdf").read_bytes() == data
    sizes, texts = pages_text(data)
    assert len(sizes) >= 2
    for w, h in sizes:
        assert w == pytest.approx(LETTER[0], abs=1.0) and h == pytest.approx(LETTER[1], abs=1.0)
    assert all("it does not diagnose" in t for t in texts)


def test_external_resources_are_never_fetched() -> None:
    html = (
        '<!DOCTYPE html><html><body><img src="http://192.0.2.1/x.png">'
        '<link rel="stylesheet" href="file:///etc/passwd"><p>text</p></body></html>'
    )
    assert html_to_pdf(html).startswith(b"%PDF-")


def test_missing_weasyprint_says_how_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "weasyprint", None)  # what an absent package looks like
    with pytest.raises(MissingDependencyError, match=r"pip install 'twitchscope\[pdf\]'"):
        html_to_pdf("<p>x</p>")
