"""The clinical picture of a person in the app: answers, labs, diary and a scored night."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from twitchscope.web.scoring import OUTPUT_DIR, REVIEWED_DIR, read_json
from twitchscope.web.state import AppState
from twitchscope.web.store import Recording, User


def summary_path(state: AppState, rec: Recording) -> Path:
    """The summary.json to use for a night: the reviewed re-score when there is one."""
    folder = state.recording_dir(rec.id)
    reviewed = folder / REVIEWED_DIR / "summary.json"
    return reviewed if reviewed.exists() else folder / OUTPUT_DIR / "summary.json"


def night_summary(state: AppState, rec: Recording) -> dict[str, Any] | None:
    """The summary of a finished night, or None."""
    if rec.status != "done":
        return None
    return read_json(summary_path(state, rec))


def diary_patterns(state: AppState, user: User) -> Any:
    """The diary's patterns, or None when the diary holds no episode."""
    from twitchscope.clinical.diary import compute_patterns

    diary = state.diary(user).to_diary()
    if diary.episodes.empty:
        return None
    return compute_patterns(diary)


def chosen_recording(state: AppState, user: User, rec_id: str | None) -> Recording | None:
    """The night the picture uses: the one asked for, else the newest finished one."""
    done = [r for r in state.store.recordings(user) if r.status == "done"]
    if rec_id:
        return next((r for r in done if r.id == rec_id), None)
    return done[0] if done else None


def person_assessment(
    state: AppState, user: User, rec_id: str | None = None
) -> tuple[Any, Recording | None]:
    """Assess the person's saved answers with their diary and a night.

    Raises
    ------
    TwitchscopeError
        When the saved answers or the summary cannot be used (named).
    """
    from twitchscope.clinical import assess
    from twitchscope.web.forms import usable_answers

    saved, _ = state.store.answers(user)
    answers = usable_answers(saved)
    rec = chosen_recording(state, user, rec_id)
    summary = None if rec is None else night_summary(state, rec)
    patterns = diary_patterns(state, user)
    result = assess(answers, diary=patterns, recording=summary)
    return result, rec if summary is not None else None


def doctor_report_for(state: AppState, user: User, rec_id: str | None = None) -> Any:
    """The report to take to the doctor, from the person's answers, diary and a night.

    The night is named by the person's file name, never by the app's folder.
    """
    import dataclasses

    from twitchscope.report.doctor import doctor_report
    from twitchscope.report.night import load_night
    from twitchscope.web.forms import usable_answers

    saved, _ = state.store.answers(user)
    answers = usable_answers(saved)
    rec = chosen_recording(state, user, rec_id)
    night = None
    if rec is not None:
        night = load_night(summary_path(state, rec).parent)
        when = rec.created.strftime("%Y-%m-%d")
        night = dataclasses.replace(night, origin=f"{rec.file_name} (uploaded {when})")
    diary = state.diary(user).to_diary()
    return doctor_report(
        answers=answers or None,
        recording=night,
        diary=None if diary.episodes.empty else diary,
    )


def diary_episodes(state: AppState, user: User) -> Any:
    """The diary's episodes table (None when empty), for the reports' latest episodes."""
    episodes = state.diary(user).to_diary().episodes
    return None if episodes.empty else episodes
