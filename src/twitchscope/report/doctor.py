"""The "take this to your doctor" report: the clinical picture, the night, the diary and the labs.

>>> rep = doctor_report(answers="answers.json", labs="labs.json",
...                     recording="night_out/", diary="diary.sqlite")   # doctest: +SKIP
>>> write_doctor_report(rep, "report.pdf", page_size="letter")        # doctest: +SKIP

Every input is optional, but at least one is needed. Without answers there is no clinical
picture (no triage is drawn from missing answers); the labs, the night and the diary are still
shown. The report lists what it was made from and what was not given.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from os import PathLike
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from twitchscope.errors import InputFileError, ValidationError
from twitchscope.io.file_kinds import RECORDING_SUFFIXES
from twitchscope.report.night import NightView, load_night
from twitchscope.report.templating import page_size_css, render

if TYPE_CHECKING:
    import pandas as pd

    from twitchscope.clinical.assessment import Assessment
    from twitchscope.results import ScoreResult

PathOrStr = str | PathLike[str]
#: Output formats :func:`write_doctor_report` writes, by file suffix.
FORMATS: Final[dict[str, str]] = {".pdf": "pdf", ".html": "html", ".htm": "html"}


@dataclass(frozen=True)
class Input:
    """One input of the report: what it is, where it came from, and whether it was given."""

    what: str
    where: str
    given: bool


@dataclass(frozen=True)
class DoctorReport:
    """Everything the doctor report shows (plain data; render with :func:`render_doctor_html`).

    Attributes
    ----------
    inputs : list of Input
        Answers, lab values, recording and diary: where each came from, or that it was not given.
    assessment : Assessment or None
        The clinical picture (None without answers).
    night : NightView or None
        The scored night.
    diary_patterns : dict or None
        ``DiaryPatterns.to_dict()``.
    diary_episodes : DataFrame or None
        The diary's episodes (the latest are listed).
    labs : dict or None
        Interpreted lab values by test (``LabResult.to_dict()``), also when there is no
        assessment.
    lab_notes : list of str
    made_at : datetime
    """

    inputs: list[Input]
    assessment: Assessment | None = None
    night: NightView | None = None
    diary_patterns: dict[str, Any] | None = None
    diary_episodes: pd.DataFrame | None = None
    labs: dict[str, Any] | None = None
    lab_notes: list[str] = field(default_factory=list)
    made_at: datetime = field(default_factory=datetime.now)


def _night(recording: Any, rules: str) -> tuple[NightView, str]:
    """The night from a score output folder, its summary.json, a recording file or an object."""
    from twitchscope.results import ScoreResult

    if isinstance(recording, NightView):
        return recording, recording.origin
    if isinstance(recording, ScoreResult):
        return NightView.from_result(recording), f"{recording.source or 'recording'} (scored)"
    p = Path(recording)
    if p.is_dir() or p.suffix.lower() == ".json":
        night = load_night(p)
        return night, f"{p} (`twitchscope score` output)"
    if not p.exists():
        raise InputFileError(p, "no such file or directory")
    if p.suffix.lower() not in RECORDING_SUFFIXES:
        raise InputFileError(
            p,
            "not a recording (.edf, .bdf) nor a `twitchscope score` output folder or its "
            "summary.json",
        )
    from twitchscope.api import score

    result: ScoreResult = score(p, rules=rules)
    return NightView.from_result(result), f"{p} (scored now, rules {rules})"


def doctor_report(
    *,
    answers: Any = None,
    labs: Any = None,
    recording: Any = None,
    diary: Any = None,
    rules: str = "wasm2016",
) -> DoctorReport:
    """Gather the doctor report from any of its inputs (at least one).

    Parameters
    ----------
    answers : mapping or path of ANSWERS.json, optional
        The questionnaire answers (``twitchscope ask``); needed for the clinical picture.
    labs : mapping or path of LABS.json, optional
        Lab values, test -> ``{"value", "unit"}``.
    recording : path, ScoreResult or NightView, optional
        A ``twitchscope score`` output folder (or its ``summary.json``), or a recording file
        (EDF/EDF+/BDF), scored here with ``rules``.
    diary : path or database URL, optional
        The symptom diary: SQLite file, database URL or diary CSV.
    rules : str
        Rule preset used when a recording file is scored here.

    Returns
    -------
    DoctorReport

    Raises
    ------
    ValidationError
        When no input is given, or an answer or lab value is not acceptable.
    InputFileError
        A missing or unreadable input file (named).
    """
    if all(x is None for x in (answers, labs, recording, diary)):
        raise ValidationError("inputs", "give at least one of answers, labs, recording or diary")
    inputs: list[Input] = []

    def note(what: str, value: Any, where: str = "") -> None:
        if value is None:
            inputs.append(Input(what, "not given", False))
        else:
            inputs.append(Input(what, where or _where(value), True))

    night: NightView | None = None
    rec_where = ""
    if recording is not None:
        night, rec_where = _night(recording, rules)

    patterns: dict[str, Any] | None = None
    episodes = None
    diary_where = ""
    if diary is not None:
        from twitchscope.clinical.diary import compute_patterns, load_diary

        d = (
            load_diary(diary if isinstance(diary, str) else Path(diary))
            if isinstance(diary, str | PathLike)
            else diary
        )
        patterns = dict(compute_patterns(d).to_dict())
        episodes = d.episodes
        diary_where = d.source

    assessment = None
    lab_results: dict[str, Any] | None = None
    lab_notes: list[str] = []
    if answers is not None:
        from twitchscope.clinical import assess

        assessment = assess(
            answers,
            labs=labs,
            diary=patterns,
            recording=None if night is None else night.summary,
        )
        lab_results = dict(assessment.labs) or None
    elif labs is not None:
        from twitchscope.clinical import interpret_labs

        rep = interpret_labs(labs)
        lab_results = rep.to_dict()["results"] or None
        lab_notes = list(rep.notes)

    note("Answers", answers)
    note("Lab values", labs)
    note("Recording", recording, rec_where)
    note("Symptom diary", diary, diary_where)
    return DoctorReport(
        inputs=inputs,
        assessment=assessment,
        night=night,
        diary_patterns=patterns,
        diary_episodes=episodes,
        labs=lab_results,
        lab_notes=lab_notes,
    )


def _where(value: Any) -> str:
    if isinstance(value, str | PathLike):
        return str(value)
    return "given in memory"


def doctor_context(report: DoctorReport) -> dict[str, Any]:
    """The values ``doctor.html`` shows (see :func:`render_doctor_html`)."""
    from twitchscope.report.clinical_view import (
        assessment_context,
        diary_context,
        labs_context,
    )
    from twitchscope.report.score_report import night_context

    a = report.assessment
    clinical = None if a is None else assessment_context(a, episodes=report.diary_episodes)
    if clinical is not None:
        number_sources(clinical)
    night = None if report.night is None else night_context(report.night)
    diary = (
        clinical["diary"]
        if clinical is not None
        else diary_context(report.diary_patterns, report.diary_episodes)
    )
    labs = clinical["labs"] if clinical is not None else labs_context(report.labs)
    return {
        "inputs": report.inputs,
        "clinical": clinical,
        "night": night,
        "diary": diary,
        "labs": labs,
        "lab_notes": report.lab_notes,
        "made_on": report.made_at.strftime("%d %B %Y"),
        "glance": _glance(report, night, diary),
    }


def number_sources(clinical: dict[str, Any]) -> None:
    """Give each finding numbers into one reference list (``references``), for print.

    Sources shared by several findings are listed once, in order of first citation.
    """
    refs: dict[str, int] = {}
    for f in clinical["findings"]:
        f["refs"] = [refs.setdefault(s, len(refs) + 1) for s in f["sources"]]
    clinical["references"] = list(refs)


def _glance(
    report: DoctorReport, night: dict[str, Any] | None, diary: dict[str, Any] | None
) -> list[dict[str, Any]]:
    """A few headline numbers for the first page."""
    cards: list[dict[str, Any]] = []
    if night is not None:
        cards += [c for c in night["cards"] if c["label"] in ("PLMS index", "PLMW index")]
    if diary is not None:
        cards += [c for c in diary["cards"] if c["label"] in ("episodes",)]
        share = next((c for c in diary["cards"] if c["label"].startswith("in the evening")), None)
        if share is not None:
            cards.append(share)
    if report.labs:
        flagged = sum(1 for r in report.labs.values() if r.get("abnormal"))
        cards.append(
            {
                "label": "lab values outside the thresholds",
                "value": f"{flagged} of {len(report.labs)}",
                "note": "",
                "state": "above" if flagged else None,
            }
        )
    return cards


def render_doctor_html(report: DoctorReport, *, page_size: str = "a4") -> str:
    """The doctor report as one self-contained, printable HTML page.

    Parameters
    ----------
    report : DoctorReport
    page_size : {"a4", "letter"}
        Paper size of the print rules (browser printing and PDF).
    """
    return render("doctor.html", doctor_context(report), page_size=page_size)


def write_doctor_report(
    report: DoctorReport,
    path: PathOrStr,
    *,
    page_size: str = "a4",
) -> Path:
    """Write the doctor report as PDF or HTML, chosen by the file's suffix.

    Parameters
    ----------
    report : DoctorReport
    path : path-like
        ``.pdf`` (needs the ``pdf`` extra) or ``.html``.
    page_size : {"a4", "letter"}

    Returns
    -------
    Path
        The file written.
    """
    p = Path(path)
    kind = FORMATS.get(p.suffix.lower())
    if kind is None:
        raise ValidationError("--out", f"{p.name}: the report is written as .pdf or .html")
    try:
        page_size_css(page_size)
    except ValueError as exc:
        raise ValidationError("--page-size", str(exc)) from None
    if p.parent and not p.parent.is_dir():
        raise InputFileError(p.parent, "the output folder does not exist")
    html = render_doctor_html(report, page_size=page_size)
    if kind == "pdf":
        from twitchscope.report.pdf import html_to_pdf

        html_to_pdf(html, p)
    else:
        tmp = p.with_name(p.name + ".part")
        try:
            tmp.write_text(html, encoding="utf-8")
            tmp.replace(p)
        except OSError as exc:
            tmp.unlink(missing_ok=True)
            raise InputFileError(p, f"cannot write the report ({exc.strerror})") from None
    return p
