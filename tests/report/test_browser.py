"""Every report opened in a real browser (Debian's Chromium through Playwright): it renders, its
figures have a size, nothing is fetched, no script runs, and the screenshot is not blank."""

from __future__ import annotations

import io
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from _report_data import hostile_result

from twitchscope.clinical import assess
from twitchscope.report import doctor_report, render_assessment_html, render_doctor_html
from twitchscope.report.score_report import render_score_report

CHROMIUM = Path(os.environ.get("TWITCHSCOPE_CHROMIUM", "/usr/bin/chromium"))
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-extensions"]
#: Screenshots are kept here when set (else in the test's temporary folder).
SHOTS = os.environ.get("TWITCHSCOPE_SCREENSHOTS")

sync_api = pytest.importorskip("playwright.sync_api")
Image = pytest.importorskip("PIL.Image")
pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(), reason=f"no Chromium at {CHROMIUM} (scripts/setup_system.sh installs it)"
)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture(scope="module")
def pages(
    tmp_path_factory: pytest.TempPathFactory,
    night_dir: Path,
    answers_file: Path,
    labs_file: Path,
    diary_file: Path,
) -> dict[str, Path]:
    tmp_path = tmp_path_factory.mktemp("pages")
    a = assess(answers_file, labs=labs_file, diary=diary_file)
    rep = doctor_report(answers=answers_file, labs=labs_file, recording=night_dir, diary=diary_file)
    out = {}
    for name, html in (
        ("report", render_score_report(hostile_result())),
        ("assessment", render_assessment_html(a)),
        ("doctor", render_doctor_html(rep)),
    ):
        path = tmp_path / f"{name}.html"
        path.write_text(html, encoding="utf-8")
        out[name] = path
    return out


def not_blank(png: bytes) -> None:
    img = Image.open(io.BytesIO(png)).convert("RGB")
    assert img.width >= 800 and img.height >= 1000
    small = img.resize((max(1, img.width // 8), max(1, img.height // 8)))
    colours = small.getcolors(maxcolors=1 << 16)
    assert colours is None or len(colours) > 20, "the screenshot is (nearly) one colour"
    extrema = img.convert("L").getextrema()
    assert extrema[1] - extrema[0] > 150, "no contrast in the screenshot"


@pytest.mark.parametrize("name", ["report", "assessment", "doctor"])
def test_report_in_chromium(
    browser: Any, pages: dict[str, Path], name: str, tmp_path: Path
) -> None:
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    requests: list[str] = []
    errors: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    url = pages[name].resolve().as_uri()
    page.goto(url, wait_until="load")
    # nothing but the page itself is loaded; no hostile markup turned into an element or ran
    assert requests == [url]
    assert errors == []
    assert page.title() != "PWNED"
    assert page.evaluate("window.pwned === undefined")
    assert page.locator("main img, main script").count() == 0
    # figures are drawn at a readable size
    boxes = [
        page.locator("figure svg").nth(i).bounding_box()
        for i in range(page.locator("figure svg").count())
    ]
    expected = {"report": 3, "assessment": 1, "doctor": 4}[name]  # the diary's hours
    assert len(boxes) == expected
    for box in boxes:
        assert box is not None and box["width"] > 300 and box["height"] > 100
    assert page.locator("footer.disclaimer").is_visible()
    shot_dir = Path(SHOTS) if SHOTS else tmp_path
    shot_dir.mkdir(parents=True, exist_ok=True)
    png = page.screenshot(full_page=True, path=str(shot_dir / f"{name}.png"))
    not_blank(png)
    page.close()


def test_chromium_prints_the_doctor_report_on_a4(browser: Any, pages: dict[str, Path]) -> None:
    pypdf = pytest.importorskip("pypdf")
    page = browser.new_page()
    page.goto(pages["doctor"].resolve().as_uri(), wait_until="load")
    data = page.pdf(prefer_css_page_size=True, print_background=True)
    page.close()
    reader = pypdf.PdfReader(io.BytesIO(data))
    assert 2 <= len(reader.pages) <= 10
    box = reader.pages[0].mediabox
    assert float(box.width) == pytest.approx(595.3, abs=1.5)
    assert float(box.height) == pytest.approx(841.9, abs=1.5)
    text = " ".join((reader.pages[-1].extract_text() or "").split())
    assert "does not diagnose" in text
