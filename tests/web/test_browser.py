"""Each flow end to end in a real browser (Debian's chromium, Playwright), phone-sized first."""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any

import pytest

from .conftest import LiveServer, Night, assert_not_blank

# Where, on screen, the first movement of the window is (the viewer exposes its state).
FIRST_MOVEMENT_JS = """() => {
  const S = window.__viewer, r = document.getElementById('traces').getBoundingClientRect();
  const m = S.mv.find(m => m.category !== 'rejected' && m.onset >= S.t0
                        && m.onset + m.duration <= S.t0 + S.win);
  const lane = S.lanes.find(l => l.leg === m.leg);
  return { id: m.id, x: r.left + ((m.onset + m.duration / 2 - S.t0) / S.win) * r.width,
           y: r.top + (lane.top + lane.bottom) / 2 };
}"""
# A stretch of the left leg with no movement near it, and 1.5 s in pixels.
EMPTY_SPOT_JS = """() => {
  const S = window.__viewer, r = document.getElementById('traces').getBoundingClientRect();
  const lane = S.lanes.find(l => l.leg === 'left');
  for (let f = 0.05; f < 0.9; f += 0.05) {
    const t = S.t0 + f * S.win;
    const busy = S.mv.some(m => m.leg === 'left' && m.onset < t + 3
                                && m.onset + m.duration > t - 1);
    if (!busy) return { x: r.left + f * r.width, w: (1.5 / S.win) * r.width,
                        y: r.top + (lane.top + lane.bottom) / 2 };
  }
  return null;
}"""
HOSTILE = '<img src=x onerror="document.body.dataset.pwned=1">'


def shot(page: Any, shots: Path, name: str) -> None:
    path = shots / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    assert_not_blank(path)


def test_emergency_yes_stops_the_flow(page: Any, live: LiveServer, shots: Path) -> None:
    page.goto(live.url + "/questions")
    assert page.url.endswith("/questions/emergency")
    page.locator("#q-breathing_difficulty input[value=yes]").check()
    page.get_by_role("button", name="Save and continue").click()
    page.wait_for_url("**/emergency")
    assert "Get help now" in page.inner_text("h1")
    assert "emergency" in page.inner_text(".next-step").lower()
    shot(page, shots, "emergency")
    page.goto(live.url + "/diary")
    assert "Emergency warning sign" in page.inner_text(".banner.emergency")


def test_unanswered_emergency_stays_visible(page: Any, live: LiveServer) -> None:
    page.goto(live.url + "/questions/emergency")
    page.get_by_role("button", name="Save and continue").click()
    page.wait_for_url("**/questions/about_you")
    for path in ("/questions/symptoms", "/labs", "/diary", "/assessment"):
        page.goto(live.url + path)
        assert "not answered" in page.inner_text("#unanswered-banner")


def test_whole_history_to_the_picture(page: Any, live: LiveServer, shots: Path) -> None:
    page.goto(live.url + "/questions/emergency")
    for box in page.locator("fieldset.q").all():
        box.locator("input[value=no]").check()
    page.get_by_role("button", name="Save and continue").click()
    page.wait_for_url("**/questions/about_you")
    page.fill("input[name=age]", "52")
    page.locator("#q-sex input[value=female]").check()
    page.fill("input[name=pregnancy_weeks]", "0")
    page.get_by_role("button", name="Save and continue").click()
    page.wait_for_url("**/questions/symptoms")
    page.locator("#q-locations input[value=calf]").check()
    page.locator("#q-kind input[value=urge_to_move]").check()
    page.locator("#q-timing input[value=evening]").check()
    shot(page, shots, "history-symptoms")
    page.get_by_role("button", name="Save and continue").click()
    # resume: leaving and coming back lands on the first page with open questions
    page.goto(live.url + "/questions")
    assert "/questions/symptoms" in page.url or "/questions/urgent_signs" in page.url
    page.goto(live.url + "/questions/rls")
    for qid in ("urge_to_move", "worse_at_rest", "relieved_by_movement", "worse_evening_night"):
        page.locator(f"#q-{qid} input[value=yes]").check()
    page.locator("#q-explained_by_mimic input[value=no]").check()
    page.get_by_role("button", name="Save and continue").click()
    page.wait_for_url("**/questions/sleep")
    page.goto(live.url + "/questions/context")
    page.fill("textarea[name=medications]", "sertraline\n" + HOSTILE)
    page.get_by_role("button", name="Save and continue").click()
    page.wait_for_url("**/labs")
    page.goto(live.url + "/assessment")
    assert (
        "Restless legs" in page.inner_text("main") or "restless" in page.inner_text("main").lower()
    )
    assert page.locator(".badge").first.is_visible()
    assert page.evaluate("document.body.dataset.pwned") is None
    shot(page, shots, "picture")


def test_labs_show_the_converted_value(page: Any, live: LiveServer, shots: Path) -> None:
    page.goto(live.url + "/labs")
    page.fill("#ferritin__value", "38")
    page.select_option("select[name=ferritin__unit]", "ng/mL")
    page.fill("#magnesium__value", "1.9")
    page.select_option("select[name=magnesium__unit]", "mg/dL")
    assert "0.7817" in page.inner_text("#lab-magnesium .converted")  # live, before saving
    page.fill("#haemoglobin__value", "lots")
    page.get_by_role("button", name="Save", exact=True).click()
    assert "not a number" in page.inner_text("#lab-haemoglobin")
    assert page.input_value("#haemoglobin__value") == "lots"  # kept to correct
    page.fill("#haemoglobin__value", "12.6")
    page.select_option("select[name=haemoglobin__unit]", "g/dL")
    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_url("**/labs?saved=1")
    assert "126 g/L" in page.inner_text("#lab-haemoglobin .converted")
    assert "0.7817 mmol/L" in page.inner_text("#lab-magnesium .converted")
    shot(page, shots, "labs")


def test_diary_add_edit_delete_import(
    page: Any, live: LiveServer, shots: Path, tmp_path: Path
) -> None:
    page.goto(live.url + "/diary")
    page.fill("input[name=start]", "2026-11-01T22:30")
    page.fill("input[name=duration_s]", "20")
    page.locator("#quick-add input[value=calf]").check()
    page.select_option("#quick-add select[name=kind]", "jerk")
    page.fill("#quick-add input[name=intensity]", "4")
    page.fill("#quick-add textarea[name=note]", HOSTILE)
    page.get_by_role("button", name="Add", exact=True).click()
    page.wait_for_url("**/diary?msg=*")
    row = page.locator("table.episodes tbody tr").first
    assert HOSTILE in row.inner_text()  # shown as text, not run
    assert page.evaluate("document.body.dataset.pwned") is None
    row.get_by_role("link", name="Edit").click()
    page.fill("input[name=intensity]", "7")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url("**/diary?msg=*")
    assert "7" in page.locator("table.episodes tbody tr").first.inner_text()
    page.once("dialog", lambda d: d.accept())
    page.locator("table.episodes tbody tr").first.get_by_role("button", name="Delete").click()
    page.wait_for_url("**/diary?msg=episode+deleted")
    assert page.locator("table.episodes").count() == 0
    csv = tmp_path / "diary.csv"
    lines = ["record,start,duration_s,locations,side,kind,intensity,context,note"]
    for day in range(1, 15):
        lines.append(f"episode,2026-10-{day:02d} 21:15:00,30,calf,left,urge_to_move,5,resting,")
        lines.append(f"episode,2026-10-{day:02d} 23:40:00,10,calf;thigh,both,jerk,3,asleep,")
    csv.write_text("\n".join(lines) + "\n")
    page.set_input_files("input[name=file]", str(csv))
    page.get_by_role("button", name="Import").click()
    page.wait_for_url("**/diary?msg=imported*")
    assert page.locator("table.episodes tbody tr").count() == 28
    assert page.locator("svg.hours rect.bar").count() == 24
    assert page.locator("svg.calendar rect.day").count() > 80
    bad = tmp_path / "bad.csv"
    bad.write_text("record,start,kind,locations\nepisode,yesterday,jerk,calf\n")
    page.set_input_files("input[name=file]", str(bad))
    page.get_by_role("button", name="Import").click()
    assert "nothing was imported" in page.inner_text("#import-export")
    with page.expect_download() as dl:
        page.get_by_role("link", name="Export CSV").click()
    text = Path(dl.value.path()).read_text()
    assert text.count("\nepisode,") == 28
    shot(page, shots, "diary")


def _upload(page: Any, live: LiveServer, path: Path) -> None:
    page.goto(live.url + "/recordings")
    page.set_input_files("input[name=recording]", str(path))
    page.get_by_role("button", name="Upload and score").click()


def test_upload_to_report(page: Any, live: LiveServer, night: Night, shots: Path) -> None:
    _upload(page, live, night.edf)
    page.wait_for_url("**/recordings/*")
    page.wait_for_selector("#night", timeout=120_000)
    assert page.locator(".report-cards .value").first.inner_text() not in ("", "n/a")
    for fig in ("#fig-night", "#fig-hourly", "#fig-imi"):
        assert page.locator(f"{fig} svg").count() == 1  # the report's figures, inline
    shot(page, shots, "night")
    page.get_by_role("link", name="Full report").click()
    assert "Leg movements" in page.content() or "PLMS" in page.content()


def test_corrupt_upload_gets_a_clear_message(
    page: Any, live: LiveServer, night: Night, tmp_path: Path
) -> None:
    from twitchscope.errors import InputFileError
    from twitchscope.io import open_recording

    cut = tmp_path / "truncated night.edf"
    cut.write_bytes(night.edf.read_bytes()[:5000])
    with pytest.raises(InputFileError) as cli:
        open_recording(cut)
    _upload(page, live, cut)
    page.wait_for_selector("#upload-error:not(.hidden)")
    assert page.inner_text("#upload-error") == f"truncated night.edf: {cli.value.problem}"
    assert page.input_value("select[name=rules]") == "wasm2016"


def test_review_reject_add_rescore_export(
    browser: Any, live: LiveServer, night: Night, shots: Path
) -> None:
    from twitchscope.web.store import User  # noqa: F401

    ctx = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = ctx.new_page()
    page.set_default_timeout(30_000)
    try:
        _upload(page, live, night.edf)
        page.wait_for_url("**/recordings/*")
        page.wait_for_selector("#night", timeout=120_000)
        page.get_by_role("link", name="Review the movements").click()
        page.wait_for_selector("#review[data-ready='1']")
        before = page.locator("#indices tr[data-name=plms_count] .now").inner_text()
        # reject the selected-window's first movement: click it twice
        box = page.evaluate(FIRST_MOVEMENT_JS)
        page.mouse.click(box["x"], box["y"])
        page.mouse.click(box["x"], box["y"])
        page.wait_for_function(
            f"() => window.__viewer.mv.find(m => m.id === {box['id']}).rejected === true"
        )
        # draw a missed one on an empty stretch of the left leg
        spot = page.evaluate(EMPTY_SPOT_JS)
        assert spot is not None
        n_before = page.evaluate("window.__viewer.mv.length")
        page.mouse.move(spot["x"], spot["y"])
        page.mouse.down()
        page.mouse.move(spot["x"] + spot["w"] / 2, spot["y"])
        page.mouse.move(spot["x"] + spot["w"], spot["y"])
        page.mouse.up()
        page.wait_for_function(f"() => window.__viewer.mv.length === {n_before + 1}")
        page.keyboard.press("ArrowRight")
        page.keyboard.press("n")
        page.keyboard.press("s")
        page.wait_for_function("() => window.__viewerTiming && window.__viewerTiming.drawn > 1")
        shot(page, shots, "review")
        page.get_by_role("button", name="Re-score with the reviewed movements").click()
        page.wait_for_function(
            "() => document.getElementById('review-status').textContent.startsWith('re-scored')"
        )
        after = page.locator("#indices tr[data-name=plms_count] .now").inner_text()
        assert page.locator("#indices tr[data-name=plms_count] .before").inner_text() == before
        assert after != "" and int(after) >= 0
        edits = live.state.store.edits(page.url.split("/")[-2])
        assert [e.action for e in edits][:2] == ["reject", "add"] and edits[0].user_name == "local"
        with page.expect_download() as dl:
            page.get_by_role("link", name="Export CSV").click()
        rows = Path(dl.value.path()).read_text().splitlines()
        assert rows[0] == "leg,onset,duration,origin" and any(r.endswith(",added") for r in rows)
        with page.expect_download() as dl:
            page.get_by_role("link", name="Export EDF+ annotations").click()
        edf = Path(dl.value.path())
        assert edf.read_bytes()[:8] == b"0       "
        from twitchscope.io.annotations import read_reference_movements

        back = read_reference_movements(edf, recording_duration=1e6)
        assert len(back) == len(rows) - 1
    finally:
        ctx.close()


def test_pdf_download_opens_as_pdf(page: Any, live: LiveServer) -> None:
    live.state.store.save_answers(
        live.state.store.local_user(), {"age": 40, "kind": ["twitch"]}, []
    )
    page.goto(live.url + "/assessment")
    probe = page.request.get(live.url + "/assessment.pdf", headers={"accept": "application/json"})
    if probe.status == 503:
        pytest.skip(f"no PDF renderer here: {probe.json()['error']}")
    with page.expect_download() as dl:
        page.get_by_role("link", name="Download PDF").click()
    pdf = Path(dl.value.path()).read_bytes()
    assert pdf[:5] == b"%PDF-" and b"%%EOF" in pdf[-1024:] and len(pdf) > 2000
    r = page.request.get(live.url + "/assessment.pdf")
    assert r.status == 200 and r.headers["content-type"] == "application/pdf"
    assert r.body()[:5] == b"%PDF-"
    with page.expect_download() as dl:
        page.get_by_role("link", name="Report for your doctor (PDF)").click()
    doctor = Path(dl.value.path()).read_bytes()
    assert doctor[:5] == b"%PDF-" and b"%%EOF" in doctor[-1024:]
    from pypdf import PdfReader

    text = "".join(p.extract_text() or "" for p in PdfReader(dl.value.path()).pages)
    assert "not a diagnosis" in text.lower() or "does not diagnose" in text.lower()


def test_pages_fit_a_phone(page: Any, live: LiveServer) -> None:
    """No page of the person's flow scrolls sideways on a 390 px wide phone."""
    live.state.store.save_answers(
        live.state.store.local_user(),
        {"age": 40, "kind": ["twitch"], "medications": ["x" * 90]},
        [],
    )
    for path in (
        "/",
        "/questions/emergency",
        "/questions/symptoms",
        "/labs",
        "/diary",
        "/recordings",
        "/assessment",
    ):
        page.goto(live.url + path)
        width = page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= 390, (path, width)


def test_nothing_typed_is_lost_when_a_request_fails(page: Any, live: LiveServer) -> None:
    page.goto(live.url + "/diary")
    page.fill("input[name=start]", "2026-11-05T23:10")
    page.locator("#quick-add input[value=foot]").check()
    page.fill("#quick-add textarea[name=note]", "woke me twice")
    page.route("**/diary/episodes", lambda route: route.abort("connectionreset"))
    with contextlib.suppress(Exception):  # the navigation fails, as the connection does
        page.get_by_role("button", name="Add", exact=True).click()
    page.unroute("**/diary/episodes")
    page.goto(live.url + "/diary")  # the person comes back to the page
    assert page.input_value("#quick-add textarea[name=note]") == "woke me twice"
    assert page.locator("#quick-add input[value=foot]").is_checked()
    page.get_by_role("button", name="Add", exact=True).click()
    page.wait_for_url("**/diary?msg=*")
    assert "woke me twice" in page.inner_text("table.episodes")
    page.goto(live.url + "/diary")
    assert page.input_value("#quick-add textarea[name=note]") == ""  # saved: the copy is gone
