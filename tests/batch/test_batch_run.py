"""Cohort runs on real worker processes: tables, failures, resume, killed workers."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pandas as pd
import pytest

from twitchscope.batch import run_batch
from twitchscope.batch.tables import BASE_COLUMNS, FAILURE_COLUMNS, RUN_COLUMNS
from twitchscope.outputs import FILES, SCORED_COLUMNS, SUMMARY_KEYS

pytestmark = pytest.mark.usefixtures("no_stray_processes")


def folder_mtimes(out: Path) -> dict[str, int]:
    return {p.name: (p / "batch.json").stat().st_mtime_ns for p in (out / "nights").iterdir()}


def test_folder_run_writes_contract_tables_and_report(cohort: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    run = run_batch(cohort, out, workers=2)
    assert (run.total, run.done, run.failed, run.skipped, run.ran) == (4, 3, 1, 0, 4)
    assert run.layout == "edf" and run.backend == "processes"

    for name in ("night0", "night1", "night2"):
        d = out / "nights" / name
        for f in (*(f for f in FILES if f != "report.html"), "batch.json"):
            assert (d / f).is_file(), f
        assert not (d / "report.html").exists()  # per-night reports are opt-in in batch
    assert not (out / "nights" / "broken").exists()
    assert list((out / ".tmp").iterdir()) == [out / ".tmp" / "attempts"]

    nights = pd.read_parquet(out / "nights.parquet")
    assert len(nights) == 4 and nights["id"].is_unique
    for col in (*BASE_COLUMNS, *RUN_COLUMNS, "channel_left", "channel_right", "n_warnings"):
        assert col in nights.columns, col
    for key in SUMMARY_KEYS[:7]:
        assert key in nights.columns, key
    assert "plms_index_by_stage.N2" in nights.columns
    done = nights[nights["status"] == "done"].set_index("id")
    for night_id in done.index:
        summary = json.loads((out / "nights" / night_id / "summary.json").read_text())
        for key in ("plms_index", "lm_index", "plms_count", "total_sleep_time_h"):
            assert done.loc[night_id, key] == pytest.approx(summary[key]), key
        assert done.loc[night_id, "channel_left"] == summary["channels"]["left"]
        assert done.loc[night_id, "n_warnings"] == len(summary["warnings"])
    assert (done["seconds"] > 0).all() and (done["peak_rss_mb"] > 0).all()

    broken = nights.set_index("id").loc["broken"]
    assert broken["status"] == "failed" and broken["error_kind"] == "input"
    assert str(cohort / "broken.edf") in broken["error"]
    assert pd.isna(broken["plms_index"])

    failures = pd.read_csv(out / "failures.csv")
    assert list(failures.columns) == list(FAILURE_COLUMNS)
    assert failures["id"].tolist() == ["broken"]

    movements = pd.read_parquet(out / "movements.parquet")
    assert list(movements.columns[: len(SCORED_COLUMNS) + 1]) == ["id", *SCORED_COLUMNS]
    for night_id in done.index:
        scored = pd.read_csv(out / "nights" / night_id / "scored_movements.csv")
        mine = movements[movements["id"] == night_id]
        assert len(mine) == len(scored) == done.loc[night_id, "n_scored_movements"]
        assert mine["onset"].to_numpy() == pytest.approx(scored["onset"].to_numpy())

    html = (out / "report.html").read_text()
    assert "PLMS index" in html and "Failures by cause" in html and "<script" not in html
    assert "Highest PLMS index" in html and 'href="nights/night0/summary.json"' in html
    log = run.log_file
    assert log is not None and "'broken' failed" in log.read_text()


def test_duckdb_reads_the_tables(cohort: Path, tmp_path: Path) -> None:
    duckdb = pytest.importorskip("duckdb")
    out = tmp_path / "out"
    run_batch(cohort, out, workers=1)
    con = duckdb.connect()
    # The query the README shows, on this run's folder.
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    query = readme.split("```sql", 1)[1].split("```", 1)[0]
    assert "'results/nights.parquet'" in query
    rows = con.execute(query.replace("'results/", f"'{out}/")).fetchall()
    assert [r[0] for r in rows] == ["night0", "night1", "night2"]
    nights = pd.read_parquet(out / "nights.parquet").set_index("id")
    for night_id, plms_index, periodic in rows:
        assert plms_index == pytest.approx(nights.loc[night_id, "plms_index"])
        scored = pd.read_csv(out / "nights" / night_id / "scored_movements.csv")
        assert periodic == int(scored["periodic"].sum())
    (status_failed,) = con.execute(
        f"SELECT count(*) FROM '{out}/nights.parquet' WHERE status = 'failed'"
    ).fetchone()
    assert status_failed == 1


def test_resume_skips_finished_nights_and_redoes_changed_ones(cohort: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    run_batch(cohort, out, workers=2)
    before = folder_mtimes(out)

    again = run_batch(cohort, out, workers=2)
    assert (again.skipped, again.ran, again.done, again.failed) == (4, 0, 3, 1)
    assert folder_mtimes(out) == before
    assert len(pd.read_parquet(out / "nights.parquet")) == 4

    # Touched (same content): hashed again, not scored again.
    os.utime(cohort / "night0.edf", ns=(1, 1))
    touched = run_batch(cohort, out, workers=2)
    assert (touched.ran, touched.done) == (1, 3)
    assert folder_mtimes(out)["night0"] != before["night0"]  # record refreshed with the new stamp
    record = json.loads((out / "nights" / "night0" / "batch.json").read_text())
    assert record["inputs"]["recording"]["mtime_ns"] == 1

    # Other content under the same name: scored again.
    shutil.copy(cohort / "night2.edf", cohort / "night1.edf")
    changed = run_batch(cohort, out, workers=2)
    assert changed.ran == 1
    nights = pd.read_parquet(out / "nights.parquet").set_index("id")
    assert nights.loc["night1", "plms_index"] == pytest.approx(nights.loc["night2", "plms_index"])

    # Other rules: every night is redone (the broken one fails again).
    aasm = run_batch(cohort, out, workers=2, rules="aasm")
    assert (aasm.ran, aasm.done, aasm.failed) == (4, 3, 1)
    summary = json.loads((out / "nights" / "night2" / "summary.json").read_text())
    assert summary["rules"]["preset"] == "aasm"

    # One option changed is other rules too.
    opt = run_batch(cohort, out, workers=1, rules="aasm", rule_options={"interval_max_s": 80.0})
    assert opt.ran == 4


def test_fixed_broken_file_is_scored_and_failure_cleared(cohort: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    run_batch(cohort, out, workers=1)
    assert (out / "failed" / "broken.json").is_file()
    shutil.copy(cohort / "night0.edf", cohort / "broken.edf")
    run = run_batch(cohort, out, workers=1)
    assert (run.ran, run.done, run.failed) == (1, 4, 0)
    assert not (out / "failed" / "broken.json").exists()
    assert pd.read_csv(out / "failures.csv").empty


def test_killed_workers_lose_nothing(cohort: Path, tmp_path: Path, killer) -> None:
    """night1's worker is killed once (retried: done), night2's twice (recorded: failed)."""
    out = tmp_path / "out"
    with killer(out, "night1", 1) as once, killer(out, "night2", 2) as twice:
        run = run_batch(cohort, out, workers=2)
    assert (len(once.killed), len(twice.killed)) == (1, 2)
    assert (run.done, run.failed) == (2, 2)
    nights = pd.read_parquet(out / "nights.parquet").set_index("id")
    assert list(nights.loc[["night0", "night1"], "status"]) == ["done", "done"]
    assert nights.loc["night1", "attempts"] == 2
    row = nights.loc["night2"]
    assert row["status"] == "failed" and row["error_kind"] == "crash"
    assert "died 2 time(s)" in row["error"] and "SIGKILL" in row["error"]
    assert "died while scoring 'night1'" in run.log_file.read_text()  # type: ignore[union-attr]
    # Nothing half-written is left behind.
    assert [p.name for p in (out / ".tmp").iterdir()] == ["attempts"]
    assert sorted(p.name for p in (out / "nights").iterdir()) == ["night0", "night1"]
    # A crash is not the file's fault: the next run tries that night again, and only that one.
    again = run_batch(cohort, out, workers=2)
    assert (again.ran, again.done, again.failed) == (1, 3, 1)


def test_manifest_ids_are_data(tmp_path: Path, night_files: dict[str, Path]) -> None:
    out = tmp_path / "out"
    hostile = "../../<script>alert(1)</script>"
    manifest = tmp_path / "m.csv"
    manifest.write_text(
        "id,recording\n"
        f'"{hostile}",{night_files["night0"]}\n'
        f"ok,{night_files['night1']}\n"
        f"missing,{tmp_path / 'nope.edf'}\n"
    )
    run = run_batch(manifest, out, workers=1)
    assert (run.done, run.failed) == (2, 1)
    folders = sorted(p.name for p in (out / "nights").iterdir())
    assert len(folders) == 2 and "ok" in folders
    assert all(p.parent == out / "nights" for p in (out / "nights").iterdir())
    assert not (tmp_path / "<script>alert(1)</script>").exists()
    nights = pd.read_parquet(out / "nights.parquet")
    assert set(nights["id"]) == {hostile, "ok", "missing"}
    html = (out / "report.html").read_text()
    assert "<script>" not in html
    missing = nights.set_index("id").loc["missing"]
    assert "nope.edf" in missing["error"] and missing["error_kind"] == "input"


def test_ambiguous_annotations_are_a_failure_row(
    tmp_path: Path, night_files: dict[str, Path]
) -> None:
    d = tmp_path / "c"
    d.mkdir()
    shutil.copy(night_files["night0"], d / "a.edf")
    (d / "a.xml").write_text("<PSGAnnotation/>")
    (d / "a_events.tsv").write_text("onset\tduration\ttrial_type\n")
    shutil.copy(night_files["night1"], d / "b.edf")
    run = run_batch(d, tmp_path / "out", workers=1)
    assert (run.done, run.failed) == (1, 1)
    row = run.nights.set_index("id").loc["a"]  # type: ignore[union-attr]
    assert row["error_kind"] == "layout" and "a_events.tsv" in row["error"]


def test_night_reports_are_an_option_and_a_run_without_them_reuses_nights(
    cohort: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    for f in ("broken.edf", "night1.edf", "night2.edf"):
        (cohort / f).unlink()
    run_batch(cohort, out, workers=1)
    with_reports = run_batch(cohort, out, workers=1, night_reports=True)
    assert with_reports.ran == 1
    assert (out / "nights" / "night0" / "report.html").is_file()
    assert run_batch(cohort, out, workers=1).ran == 0


def test_second_run_on_the_same_folder_is_refused(cohort: Path, tmp_path: Path) -> None:
    import fcntl

    from twitchscope.errors import InputFileError

    out = tmp_path / "out"
    out.mkdir()
    with (out / ".lock").open("a+") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        with pytest.raises(InputFileError, match="another batch run"):
            run_batch(cohort, out, workers=1)
