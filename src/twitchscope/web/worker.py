"""The background worker: scores uploaded nights, a few at a time, off the request path.

A bounded thread pool (``--workers``, default 1) runs the jobs; the scoring releases the GIL in
numpy for most of its time, so pages stay responsive. The state of each job lives in the
database (``queued``, ``running`` with step and progress, ``done``, ``failed`` with the
message), so any page or API client can follow it, and jobs still queued or running when the
app stopped are queued again at the next start.
"""

from __future__ import annotations

import logging
import shutil
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Final

from twitchscope.errors import TwitchscopeError
from twitchscope.web.scoring import OUTPUT_DIR, score_night
from twitchscope.web.store import Recording, WebStore, utcnow

log = logging.getLogger("twitchscope.web")
#: Files of a recording folder, named by the app.
RECORDING_STEM: Final[str] = "recording"
SIGNAL_CACHE: Final[str] = "signals"


def recording_files(folder: Path, rec: Recording) -> tuple[Path, Path | None, Path | None]:
    """Paths of the stored recording, hypnogram and events of ``rec``."""
    recording = folder / f"{RECORDING_STEM}.{rec.file_kind}"
    hyp = folder / rec.hypnogram_file if rec.hypnogram_file else None
    ev = folder / rec.events_file if rec.events_file else None
    return recording, hyp, ev


def user_message(exc: BaseException, rec: Recording, folder: Path) -> str:
    """The error as the CLI words it, with the app's file paths replaced by the person's names."""
    text = str(exc)
    recording, hyp, ev = recording_files(folder, rec)
    for path, name in (
        (recording, rec.file_name),
        (hyp, rec.hypnogram_name),
        (ev, rec.events_name),
    ):
        if path is not None and name:
            text = text.replace(str(path.resolve()), name).replace(str(path), name)
    return text.replace(str(folder.resolve()), "").replace(str(folder), "")


class Worker:
    """Runs scoring jobs in a bounded thread pool and records their state."""

    def __init__(self, store: WebStore, recordings_dir: Path, workers: int = 1) -> None:
        self.store = store
        self.recordings_dir = recordings_dir
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="ts-score")
        self._futures: dict[str, Future[None]] = {}
        self._lock = threading.Lock()

    def submit(self, rec_id: str) -> None:
        """Queue a recording for scoring."""
        with self._lock:
            self._futures[rec_id] = self._pool.submit(self._run, rec_id)

    def resume(self) -> int:
        """Queue again every recording left queued or running; return how many."""
        ids = []
        for rec_id in self.store.unfinished_recordings():
            rec = self.store.recording(rec_id)
            if rec is None or not recording_files(self.recordings_dir / rec_id, rec)[0].exists():
                self.store.set_status(
                    rec_id,
                    status="failed",
                    error="the recording file is missing",
                    finished=utcnow(),
                )
                continue
            ids.append(rec_id)
        for rec_id in ids:
            self.store.set_status(
                rec_id, status="queued", step="waiting to be scored", progress=0.0
            )
            self.submit(rec_id)
        return len(ids)

    def wait(self, rec_id: str, timeout: float | None = None) -> None:
        """Block until a job has finished (for tests and the demo)."""
        with self._lock:
            fut = self._futures.get(rec_id)
        if fut is not None:
            fut.result(timeout=timeout)

    def shutdown(self) -> None:
        """Stop taking jobs; let running ones finish."""
        self._pool.shutdown(wait=True, cancel_futures=True)

    def _run(self, rec_id: str) -> None:
        rec = self.store.recording(rec_id)
        if rec is None:
            return
        folder = self.recordings_dir / rec_id
        recording, hyp, ev = recording_files(folder, rec)

        def progress(step: str, fraction: float) -> None:
            self.store.set_status(rec_id, step=step, progress=float(fraction))

        self.store.set_status(rec_id, status="running", step="starting", progress=0.0, error="")
        try:
            out = folder / OUTPUT_DIR
            if out.exists():
                shutil.rmtree(out)
            score_night(
                recording,
                out,
                hypnogram=hyp,
                events=ev,
                rules=rec.rules,
                stage_codes=rec.stage_codes,
                progress=progress,
            )
            progress("preparing the review", 0.9)
            self._prepare_review(rec_id, folder, recording)
        except TwitchscopeError as exc:
            self.store.set_status(
                rec_id, status="failed", error=user_message(exc, rec, folder), finished=utcnow()
            )
            return
        except (OSError, MemoryError) as exc:
            log.exception("scoring recording %s failed", rec_id)
            self.store.set_status(
                rec_id,
                status="failed",
                error=f"{rec.file_name}: could not be scored ({type(exc).__name__}: "
                f"{user_message(exc, rec, folder)})",
                finished=utcnow(),
            )
            return
        except Exception as exc:
            log.exception("internal error scoring recording %s", rec_id)
            self.store.set_status(
                rec_id,
                status="failed",
                error=f"internal error ({type(exc).__name__}); this is a bug in twitchscope, "
                "please report it",
                finished=utcnow(),
            )
            return
        self.store.set_status(rec_id, status="done", step="done", progress=1.0, finished=utcnow())

    def _prepare_review(self, rec_id: str, folder: Path, recording: Path) -> None:
        """Fill the review table and decode both legs for the viewer (first page is instant)."""
        import numpy as np
        import pandas as pd

        from twitchscope.web.signals import cached_channel, list_channels

        table = pd.read_csv(folder / OUTPUT_DIR / "leg_movements.csv")
        if not self.store.has_review(rec_id):
            amp = (
                table["amplitude_uv"].astype(float).to_numpy()
                if "amplitude_uv" in table.columns
                else np.full(len(table), np.nan)
            )
            rows = [
                {
                    "leg": str(leg),
                    "onset": float(on),
                    "duration": float(du),
                    "amplitude_uv": None if np.isnan(a) else float(a),
                }
                for leg, on, du, a in zip(
                    table["leg"].astype(str),
                    table["onset"].astype(float),
                    table["duration"].astype(float),
                    amp,
                    strict=True,
                )
            ]
            self.store.start_review(rec_id, rows)
        for ch in list_channels(recording):
            if ch.role in ("leg_left", "leg_right"):
                cached_channel(recording, folder / SIGNAL_CACHE, ch.index)
