"""assessment.html from its template: order, folded sources, unknowns, escaping, print rules."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from _report_data import HOSTILE

from twitchscope.clinical import Assessment, assess
from twitchscope.report import (
    assessment_context,
    assessment_pdf_bytes,
    render_assessment_html,
    write_assessment_html,
)


@pytest.fixture(scope="module")
def picture(answers_file: Path, labs_file: Path, diary_file: Path, night_dir: Path) -> Assessment:
    return assess(
        answers_file, labs=labs_file, diary=diary_file, recording=night_dir / "summary.json"
    )


def test_sections_in_order(picture: Assessment) -> None:
    page = render_assessment_html(picture)
    order = [
        'class="triage see_doctor"',
        "<h2>What the evidence is consistent with</h2>",
        "What is not known",
        "Restless legs syndrome (RLS) criteria",
        "Lab values",
        "Symptom diary",
        "Recording",
        "Tests worth discussing",
        "Self-care",
        "Questions for the doctor",
        "Not a diagnosis",
    ]
    where = [page.index(s) for s in order]
    assert where == sorted(where)
    # sources: short names shown, full citations folded underneath
    assert page.count('<details class="sources"><summary>Sources: ') == len(picture.findings)
    assert "Diary episodes by hour of the day" in page
    assert "Most recent episodes" not in page  # only when the episodes are given
    assert "size: A4;" in page and "size: letter;" in render_assessment_html(
        picture, page_size="letter"
    )


def test_hostile_answers_and_diary_notes_are_escaped(picture: Assessment) -> None:
    import pandas as pd

    episodes = pd.DataFrame(
        {
            "start": [pd.Timestamp("2026-11-01 22:00")],
            "locations": [("calf",)],
            "side": ["left"],
            "kind": ["twitch"],
            "intensity": [3.0],
            "note": [HOSTILE],
        }
    )
    page = render_assessment_html(picture, episodes=episodes)
    assert "Most recent episodes" in page
    assert "<script" not in page and "<img" not in page
    assert "&lt;script&gt;" in page


def test_context_is_plain_data(picture: Assessment) -> None:
    ctx = assessment_context(picture)
    assert ctx["triage"]["label"] == "See a doctor"
    f = ctx["findings"][0]
    assert {"title", "tier", "summary", "reasons", "source_refs", "next_step"} <= set(f)
    assert all(isinstance(r, tuple) and len(r) == 2 for r in (ctx["rls"] or {}).get("rows", []))
    assert all(not re.fullmatch(r"[a-z_0-9]+", t) or t == "potassium" for t in ctx["tests"])


def test_write_and_pdf(picture: Assessment, tmp_path: Path) -> None:
    pypdf = pytest.importorskip("pypdf")
    out = write_assessment_html(picture, tmp_path / "assessment.html")
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    data = assessment_pdf_bytes(picture, page_size="letter")
    reader = pypdf.PdfReader(io.BytesIO(data))
    assert len(reader.pages) >= 2
    assert float(reader.pages[0].mediabox.width) == pytest.approx(612.0, abs=1.0)
