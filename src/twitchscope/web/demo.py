"""``serve --demo``: the example night and an example person, so every page shows at once.

The person is a 52-year-old woman whose legs jerk in the evening with an urge to move (the
same person as ``examples/answers_example.json`` of ``make demo``), with a few blood results
and four weeks of diary; the night is the simulator's restless-legs night (scenario ``rls``,
seed 7), simulated into the data folder and scored by the worker. Nothing is loaded twice.
"""

from __future__ import annotations

import logging
import threading
from datetime import date, datetime, timedelta
from typing import Any, Final

import numpy as np

from twitchscope.web.state import AppState
from twitchscope.web.uploads import new_id
from twitchscope.web.worker import RECORDING_STEM

log = logging.getLogger("twitchscope.web")
DEMO_FILE_NAME: Final[str] = "example_night.edf"
DEMO_ANSWERS: Final[dict[str, Any]] = {
    **{
        q: False
        for q in (
            "breathing_difficulty",
            "rising_weakness_days",
            "speech_or_swallow_difficulty",
            "loss_of_consciousness",
            "seizure",
            "fever",
            "stiff_neck",
            "confusion",
            "severe_headache",
            "numbness_mouth_fingers",
            "hand_foot_spasm",
            "throat_tightness",
            "serotonergic_drug_recent",
            "agitation_sweating",
            "muscle_rigidity",
        )
    },
    "age": 52,
    "sex": "female",
    "pregnancy_weeks": 0,
    "locations": ["calf", "thigh"],
    "sides": "both",
    "duration_days": 540,
    "days_per_week": 4,
    "timing": ["evening", "night", "rest"],
    "kind": ["urge_to_move", "jerk"],
    "urge_to_move": True,
    "worse_at_rest": True,
    "relieved_by_movement": True,
    "worse_evening_night": True,
    "explained_by_mimic": False,
    "irls_score": 19,
    "weakness": False,
    "muscle_wasting": False,
    "falls": False,
    "tongue_twitching": False,
    "sleep_complaint": True,
    "daytime_sleepiness": True,
    "sleep_hours": 6,
    "new_medication": False,
    "medications": ["sertraline"],
    "caffeine_cups_per_day": 4,
    "alcohol_units_per_week": 6,
    "smoker": False,
    "stress": 5,
    "recent_fever_or_inflammation": False,
    "labs": {
        "ferritin": {"value": 38, "unit": "ng/mL"},
        "transferrin_saturation": {"value": 18, "unit": "%"},
        "haemoglobin": {"value": 12.6, "unit": "g/dL"},
        "magnesium": {"value": 1.9, "unit": "mg/dL"},
    },
}


def _known_answers() -> dict[str, Any]:
    """The demo answers the installed question set knows (a newer set may rename ids)."""
    from twitchscope.clinical.answers import validate_answers
    from twitchscope.clinical.questions import QUESTIONS_BY_ID

    answers = {k: v for k, v in DEMO_ANSWERS.items() if k in QUESTIONS_BY_ID}
    # the example person answered "no" to every urgent question, including ones added later
    for q in QUESTIONS_BY_ID.values():
        if q.emergency and q.kind == "bool":
            answers.setdefault(q.id, False)
    try:
        validate_answers(answers)
    except Exception:
        answers.pop("labs", None)
    return answers


def demo_episodes(days: int = 28, seed: int = 7) -> list[dict[str, Any]]:
    """Four weeks of diary episodes, mostly in the evening and night (deterministic)."""
    rng = np.random.default_rng(seed)
    today = date.today()
    out = []
    for back in range(days, 0, -1):
        day = today - timedelta(days=back)
        for _ in range(int(rng.integers(0, 3))):
            hour = int(
                rng.choice(
                    [19, 20, 21, 22, 23, 0, 1, 14], p=[0.1, 0.15, 0.2, 0.2, 0.15, 0.1, 0.05, 0.05]
                )
            )
            minute = int(rng.integers(0, 60))
            start = datetime(day.year, day.month, day.day, hour, minute)
            if hour < 6:
                start += timedelta(days=1)
            out.append(
                {
                    "start": start.isoformat(sep=" "),
                    "duration_s": float(rng.choice([20, 60, 300, 900])),
                    "locations": ["calf"] if rng.random() < 0.7 else ["calf", "thigh"],
                    "side": "both",
                    "kind": "urge_to_move" if rng.random() < 0.6 else "jerk",
                    "intensity": int(rng.integers(3, 8)),
                    "context": "resting" if hour >= 18 or hour < 6 else "sitting",
                    "note": "",
                }
            )
    return out


def load_demo(state: AppState) -> None:
    """Load the example person and night for the local user (once)."""
    from twitchscope.clinical.diary import make_day, make_episode

    user = state.store.local_user()
    answers, _ = state.store.answers(user)
    if not answers:
        state.store.save_answers(user, _known_answers(), [])
    diary = state.diary(user)
    if not diary.episodes():
        episodes = [make_episode(e) for e in demo_episodes()]
        rng = np.random.default_rng(11)
        days = [
            make_day(
                {
                    "date": (date.today() - timedelta(days=b)).isoformat(),
                    "caffeine_cups": float(rng.integers(1, 6)),
                    "stress": int(rng.integers(2, 8)),
                    "sleep_hours": float(rng.choice([5.5, 6, 6.5, 7, 7.5])),
                }
            )
            for b in range(28, 0, -1)
        ]
        diary.add_entries(episodes, days)
    if any(r.file_name == DEMO_FILE_NAME for r in state.store.recordings(user)):
        return
    rec_id = new_id()
    state.store.add_recording(
        rec_id,
        user,
        status="queued",
        step="simulating the example night",
        file_name=DEMO_FILE_NAME,
        file_kind="edf",
        size_bytes=0,
    )

    def simulate_then_score() -> None:
        from twitchscope.simulate import simulate_night

        try:
            folder = state.recording_dir(rec_id)
            folder.mkdir(parents=True, exist_ok=True)
            night = simulate_night("rls", 7)
            files = night.write(folder / f"{RECORDING_STEM}.edf")
            for extra in files.all():
                if extra != files.recording:
                    extra.unlink(missing_ok=True)  # the truth files are not the person's data
            state.store.set_status(rec_id, size_bytes=files.recording.stat().st_size)
        except Exception as exc:
            log.exception("demo night could not be simulated")
            state.store.set_status(rec_id, status="failed", error=f"demo night: {exc}")
            return
        state.worker.submit(rec_id)

    threading.Thread(target=simulate_then_score, name="ts-demo", daemon=True).start()
