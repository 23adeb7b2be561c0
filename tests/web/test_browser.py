"""Each flow end to end in a real browser (Debian's chromium, Playwright), phone-sized first."""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any

import pytest

from .conftest import LiveServer, Night, assert_not_blank

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
# The end edge of the selected movement on screen, and 0.5 s in pixels.
EDGE_OF_SELECTED_JS = """() => {
  const S = window.__viewer, r = document.getElementById('traces').getBoundingClientRect();
  const m = S.mv.find(m => m.id === S.selected), lane = S.lanes.find(l => l.leg === m.leg);
  return { id: m.id, duration: m.duration, dx: (0.5 / S.win) * r.width,
           x: r.left + ((m.onset + m.duration - S.t0) / S.win) * r.width,
           y: r.top + (lane.top + lane.bottom) / 2 };
}"""
HOSTILE = '<img src=x onerror="document.body.dataset.pwned=1">'


def shot(page: Any, shots: Path, name: str, *, full_page: bool = True) -> None:
    path = shots / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    assert_not_blank(path)


def test_emergency_yes_stops_the_flow(page: Any, live: LiveServer, shots: Path) -> None:
    page.goto(live.url + "/questions")
    assert page.url.endswith("/questions/emergency")
    page.locator("#q-breathing_difficulty input[value=yes]").check()
    page.get_by_role("button", name="Save and continue").click()
    page.wait_for_url("**/emergency")
    assert "Get help now" in page.inner_text("h1")
    # the triage box (the picture's own macro) comes first, red, and says what to do now
    first = page.locator("main .picture > :not(h1)").first
    assert "triage emergency" in (first.get_attribute("class") or "")
    assert "emergency" in first.inner_text().lower()
    assert (
        page.evaluate(
            "getComputedStyle(document.querySelector('.triage.emergency')).backgroundColor"
        )
        == "rgb(142, 15, 27)"
    )
    assert "difficulty breathing" in page.inner_text(".answered-yes")
    shot(page, shots, "emergency")
    for path in ("/diary", "/assessment"):
        page.goto(live.url + path)
        assert "Emergency warning sign" in page.inner_text(".banner.emergency")
    # the picture puts the emergency first too
    assert "triage emergency" in (
        page.locator(".picture .triage").first.get_attribute("class") or ""
    )


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
    assert "Episodes (28)" in page.inner_text("#episodes h2")
    assert page.locator("table.episodes tbody tr").count() == 20  # the latest; then all
    page.get_by_role("link", name="List all 28").click()
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


def _until(page: Any, js: str) -> None:
    page.wait_for_function(js, timeout=20_000)


def test_review_reject_add_rescore_export(
    browser: Any, live: LiveServer, night: Night, shots: Path, tmp_path: Path
) -> None:
    """The clinician's viewer at desktop size: both legs at the native rate, windows, stages and
    series, keyboard review, mouse edits, re-score with the indices before and after, exports."""
    import pandas as pd

    from twitchscope.api import score_to_dir
    from twitchscope.io.annotations import read_reference_movements
    from twitchscope.web.review import kept_table

    ctx = browser.new_context(viewport={"width": 1366, "height": 900}, accept_downloads=True)
    page = ctx.new_page()
    page.set_default_timeout(30_000)
    try:
        _upload(page, live, night.edf)
        page.wait_for_url("**/recordings/*")
        page.wait_for_selector("#night", timeout=120_000)
        rec_id = page.url.rstrip("/").split("/")[-1]
        page.get_by_role("link", name="Review the movements").click()
        page.wait_for_selector("#review[data-ready='1']")
        before = page.locator("#indices tr[data-name=plms_count] .now").inner_text()
        # both legs, at the recording's own rate (256 Hz here), not decimated in a 30 s page
        traces = page.evaluate(
            "window.__viewer.last.traces.map(t => [t.mode, Math.round(1 / t.step), t.n])"
        )
        assert [t[:2] for t in traces] == [["raw", 256], ["raw", 256]]
        assert all(abs(t[2] - 30 * 256) <= 1 for t in traces)  # every sample of the 30 s
        ov = page.evaluate("[window.__viewer.ov.hypnogram !== null, window.__viewer.ov.series]")
        assert ov[0] and len(ov[1]) >= 1  # the hypnogram strip and the PLM series above
        cats = set(page.evaluate("window.__viewer.mv.map(m => m.category)"))
        assert "periodic" in cats  # movements come coloured by what they are
        # 2 min and 5 min windows: min/max pairs from the server once a page holds more samples
        page.keyboard.press("3")
        _until(page, "() => window.__viewerTiming.win === 300")
        assert page.evaluate("window.__viewer.last.traces[0].mode") == "minmax"
        page.keyboard.press("2")
        _until(page, "() => window.__viewerTiming.win === 120")
        page.keyboard.press("1")
        _until(page, "() => window.__viewerTiming.win === 30")
        t0 = page.evaluate("window.__viewer.t0")
        page.keyboard.press("ArrowRight")
        _until(page, f"() => window.__viewer.t0 > {t0} + 29")
        page.keyboard.press("+")
        assert page.inner_text("#gain") == "±50 µV"
        # keyboard review: the shortest PLM series, every movement of it rejected with n and x
        a, b = page.evaluate(
            "window.__viewer.ov.series.slice().sort((p, q) => (p[1] - p[0]) - (q[1] - q[0]))[0]"
        )
        page.evaluate(
            f"""() => {{ const S = window.__viewer;
                const m = S.mv.filter(m => m.onset < {a} - 0.01).pop();
                S.selected = m ? m.id : null; }}"""
        )
        rejected = []
        while True:
            page.keyboard.press("n")
            m = page.evaluate("window.__viewer.mv.find(m => m.id === window.__viewer.selected)")
            if m is None or m["onset"] > b + 0.01:
                break
            page.keyboard.press("x")
            _until(
                page,
                f"() => window.__viewer.mv.find(m => m.id === {m['id']}).rejected === true",
            )
            rejected.append(m["id"])
        assert len(rejected) >= 4, rejected  # a series holds 4 or more movements
        assert "Restore it" in page.inner_text("#toggle-reject")
        # the mouse: drag the end of a kept movement 0.5 s later
        page.keyboard.press("n")
        _until(
            page,
            """() => { const S = window.__viewer, m = S.mv.find(m => m.id === S.selected);
                return m && window.__viewerTiming.t0 === S.t0 && m.onset >= S.t0
                    && m.onset + m.duration + 1 <= S.t0 + S.win; }""",
        )
        edge = page.evaluate(EDGE_OF_SELECTED_JS)
        page.mouse.move(edge["x"], edge["y"])
        page.mouse.down()
        page.mouse.move(edge["x"] + edge["dx"] / 2, edge["y"])
        page.mouse.move(edge["x"] + edge["dx"], edge["y"])
        page.mouse.up()
        _until(
            page,
            f"() => Math.abs(window.__viewer.mv.find(m => m.id === {edge['id']}).duration"
            f" - {edge['duration'] + 0.5}) < 0.1",
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
        _until(page, f"() => window.__viewer.mv.length === {n_before + 1}")
        shot(page, shots, "review")
        page.get_by_role("button", name="Re-score with the reviewed movements").click()
        _until(
            page,
            """() => /^Re-scor(ed|e failed)/.test(
                document.getElementById('review-status').textContent)""",
        )
        assert page.inner_text("#review-status").startswith("Re-scored"), page.inner_text(
            "#review-status"
        )
        after = page.locator("#indices tr[data-name=plms_count] .now").inner_text()
        assert page.locator("#indices tr[data-name=plms_count] .before").inner_text() == before
        # the new figure is that of the library scoring the reviewed movements
        store = live.state.store
        rec = store.recording(rec_id)
        assert rec is not None
        table = kept_table(store.review_movements(rec_id))
        expected = score_to_dir(night.edf, tmp_path / "expected", movements=table, report=False)
        assert int(after) == expected.indices["plms_count"] < int(before)
        assert "changed" in (
            page.locator("#indices tr[data-name=plms_count]").get_attribute("class") or ""
        )
        edits = store.edits(rec_id)
        assert [e.action for e in edits] == ["reject"] * len(rejected) + ["adjust", "add"]
        assert all(e.user_name == "local" for e in edits)
        with page.expect_download() as dl:
            page.get_by_role("link", name="Export CSV").click()
        exported = pd.read_csv(dl.value.path())
        assert list(exported.columns) == ["leg", "onset", "duration", "origin"]
        assert len(exported) == len(table) and (exported["origin"] == "added").sum() == 1
        with page.expect_download() as dl:
            page.get_by_role("link", name="Export EDF+ annotations").click()
        edf = Path(dl.value.path())
        assert edf.read_bytes()[:8] == b"0       "
        back = read_reference_movements(edf, recording_duration=1e6)
        assert len(back) == len(table)
        assert abs(back["onset"].to_numpy() - table["onset"].to_numpy()).max() < 0.01
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


def test_every_page_at_phone_and_desktop_size(
    browser: Any, live: LiveServer, scored: str, shots: Path
) -> None:
    """Every page, on a 390 px phone and a 1366 px desktop: no sideways scrolling, the
    disclaimer, what is not known, text contrast of WCAG AA, a name for every control, a skip
    link and a visible focus ring for the keyboard; a screenshot of each, checked non-blank."""
    from .audit import AUDIT_JS

    store = live.state.store
    user = store.local_user()
    live.reset_person()
    store.save_answers(
        user, {"age": 40, "kind": ["twitch"], "medications": ["x" * 90], "labs": {}}, []
    )
    diary = live.state.diary(user)
    from twitchscope.clinical.diary import make_episode

    diary.add_episode(
        make_episode(
            {"start": "2026-11-01 22:30", "kind": "jerk", "locations": "calf", "note": "y" * 120}
        )
    )
    pages = {
        "home": "/",
        "questions-emergency": "/questions/emergency",
        "questions-symptoms": "/questions/symptoms",
        "labs": "/labs",
        "diary": "/diary",
        "recordings": "/recordings",
        "night": f"/recordings/{scored}",
        "review": f"/recordings/{scored}/review",
        "picture": "/assessment",
        "emergency-none": "/emergency",
        "not-found": "/recordings/nothing-here",
    }
    problems: dict[str, list[str]] = {}
    for size, viewport in (("phone", (390, 844)), ("desktop", (1366, 900))):
        ctx = browser.new_context(viewport={"width": viewport[0], "height": viewport[1]})
        page = ctx.new_page()
        try:
            for name, path in pages.items():
                page.goto(live.url + path)
                if name == "review":
                    page.wait_for_selector("#review[data-ready='1']")
                found = page.evaluate(AUDIT_JS)
                if name not in ("not-found",):
                    assert page.locator("#not-known").count() == 1, (size, name)
                page.keyboard.press("Tab")
                assert page.evaluate("document.activeElement.className") == "skip", (size, name)
                page.keyboard.press("Tab")
                ring = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
                if ring == "none":
                    found.append("the focused element shows no focus ring")
                if found:
                    problems[f"{size} {name}"] = found
                shot(page, shots, f"{size}-{name}", full_page=False)
        finally:
            ctx.close()
    assert not problems, problems


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
