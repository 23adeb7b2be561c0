"""`validate_dataset`: a folder of recordings with annotation files in the public datasets' formats.

Short simulated nights are written as EDF+; their truth is written by hand in the layouts of the
CAP Sleep Database (REMlogic text, clock times), NSRR XML (MrOS/MESA concepts) and DREAMS
(hypnogram and scored events in separate files), so the expected agreement is known.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pandas as pd
import pytest

from twitchscope.errors import InputFileError
from twitchscope.simulate import SimulatedNight, simulate_night
from twitchscope.validate.dataset import find_pairs, validate_dataset

CAP_STAGE = {
    "W": "SLEEP-S0",
    "N1": "SLEEP-S1",
    "N2": "SLEEP-S2",
    "N3": "SLEEP-S3",
    "R": "SLEEP-REM",
}
NSRR_STAGE = {"W": "Wake|0", "N1": "Stage 1 sleep|1", "N2": "Stage 2 sleep|2",
              "N3": "Stage 3 sleep|3", "R": "REM sleep|5"}  # fmt: skip
DREAMS_CODE = {"W": 5, "N1": 3, "N2": 2, "N3": 1, "R": 4}


@pytest.fixture(scope="module")
def night() -> SimulatedNight:
    """A 20-minute RLS night with plenty of movements."""
    return simulate_night("rls", seed=3, duration_h=1 / 3)


def _write_recording(night: SimulatedNight, path: Path) -> None:
    """The recording alone, as a dataset ships it (the simulator's truth files removed)."""
    files = night.write(path)
    for extra in files.all()[1:]:
        extra.unlink()


def _clock(start: dt.datetime, seconds: float) -> str:
    return (start + dt.timedelta(seconds=seconds)).strftime("%H:%M:%S")


def write_cap(night: SimulatedNight, folder: Path, name: str, drop_lms: int = 0) -> None:
    _write_recording(night, folder / f"{name}.edf")
    lines = ["Patient Name:\tX", "Recording Date:\t01/01/2024", "",
             "Sleep Stage\tPosition\tTime [hh:mm:ss]\tEvent\tDuration[s]\tLocation"]  # fmt: skip
    rows: list[tuple[float, str]] = []
    for i, st in enumerate(night.hypnogram.stages):
        rows.append(
            (i * 30.0, f"{st}\tSupine\t{_clock(night.start, i * 30.0)}\t{CAP_STAGE[st]}\t30\tC4-A1")
        )
    mv = night.movements.iloc[drop_lms:]
    for leg, on, du in zip(mv["leg"], mv["onset"], mv["duration"], strict=True):
        # CAP files give whole seconds; keep the reference exact by shifting to whole seconds
        loc = "TIB-SX" if leg == "left" else "TIB-DX"
        rows.append((on, f"S2\tSupine\t{_clock(night.start, on)}\tLM\t{du:.1f}\t{loc}"))
    rows.sort(key=lambda r: r[0])
    (folder / f"{name}.txt").write_text("\n".join(lines + [r for _, r in rows]) + "\n")


def write_nsrr(night: SimulatedNight, folder: Path, name: str) -> None:
    _write_recording(night, folder / f"{name}.edf")
    ev = ["<ScoredEvent><EventType/><EventConcept>Recording Start Time</EventConcept>"
          "<Start>0</Start><Duration>0</Duration></ScoredEvent>"]  # fmt: skip
    for i, st in enumerate(night.hypnogram.stages):
        ev.append(
            f"<ScoredEvent><EventType>Stages|Stages</EventType><EventConcept>{NSRR_STAGE[st]}"
            f"</EventConcept><Start>{i * 30}</Start><Duration>30</Duration></ScoredEvent>"
        )
    for leg, on, du in zip(night.movements["leg"], night.movements["onset"],
                           night.movements["duration"], strict=True):  # fmt: skip
        side = "left" if leg == "left" else "right"
        ev.append(
            "<ScoredEvent><EventType>Limb Movement|Limb Movement</EventType><EventConcept>"
            f"Limb movement - {side}|Limb Movement ({side.title()})</EventConcept>"
            f"<Start>{on:.3f}</Start><Duration>{du:.3f}</Duration></ScoredEvent>"
        )
    xml = ("<?xml version='1.0' encoding='UTF-8'?><PSGAnnotation><EpochLength>30</EpochLength>"
           f"<ScoredEvents>{''.join(ev)}</ScoredEvents></PSGAnnotation>")  # fmt: skip
    (folder / f"{name}-nsrr.xml").write_text(xml)


def write_dreams(night: SimulatedNight, folder: Path, name: str) -> None:
    _write_recording(night, folder / f"{name}.edf")
    codes = [str(DREAMS_CODE[s]) for s in night.hypnogram.stages for _ in range(6)]
    (folder / f"HypnogramAASM_{name}.txt").write_text("[HypnogramAASM]\n" + "\n".join(codes))
    for leg in ("left", "right"):
        mv = night.movements[night.movements["leg"] == leg]
        body = "\n".join(
            f"{o:.3f} {d:.3f}" for o, d in zip(mv["onset"], mv["duration"], strict=True)
        )
        (folder / f"Visual_scoring_LM_{leg}_{name}.txt").write_text(f"[vis_LM_{leg}]\n{body}\n")


def test_dataset_folder_of_three_formats(night: SimulatedNight, tmp_path: Path) -> None:
    write_cap(night, tmp_path, "n1")
    write_nsrr(night, tmp_path, "mros-visit1-aa0001")
    (tmp_path / "dreams").mkdir()
    write_dreams(night, tmp_path / "dreams", "subject1")
    _write_recording(night, tmp_path / "lonely.edf")  # no annotation: listed as unpaired

    pairs, unpaired = find_pairs(tmp_path)
    assert [p.name for p in pairs] == ["dreams/subject1", "mros-visit1-aa0001", "n1"]
    assert pairs[1].annotation.name == "mros-visit1-aa0001-nsrr.xml"
    assert pairs[2].annotation.name == "n1.txt"
    dreams = {pairs[0].annotation.name, *(p.name for p in pairs[0].others)}
    assert dreams == {
        "HypnogramAASM_subject1.txt",
        "Visual_scoring_LM_left_subject1.txt",
        "Visual_scoring_LM_right_subject1.txt",
    }
    assert [p.name for p in unpaired] == ["lonely.edf"]

    result = validate_dataset(tmp_path)
    table = result.summary()
    assert table["night"].tolist() == ["dreams/subject1", "mros-visit1-aa0001", "n1", "pooled"]
    assert (table["status"].iloc[:3] == "ok").all(), table["status"].tolist()
    # the detector on a clean simulated night agrees closely with the exact reference; CAP
    # files give whole seconds, which costs short movements some overlap
    f1 = dict(zip(table["night"], table["f1"], strict=True))
    assert f1["dreams/subject1"] > 0.9 and f1["mros-visit1-aa0001"] > 0.9 and f1["n1"] > 0.8
    assert result.pooled["all"].n_ref == 3 * len(night.movements)
    plms = result.index_agreement["plms_index"]
    assert plms["nights"] == 3 and abs(plms["mean_difference"]) < 5.0
    assert any("lonely.edf" in w for w in result.warnings)
    payload = json.dumps(result.to_dict(), allow_nan=False)
    assert "mros-visit1-aa0001" in payload


def test_night_without_leg_movements_is_listed_not_pooled(
    night: SimulatedNight, tmp_path: Path
) -> None:
    write_cap(night, tmp_path, "n1")
    _write_recording(night, tmp_path / "n2.edf")
    (tmp_path / "n2.txt").write_text(
        "Sleep Stage\tTime [hh:mm:ss]\tEvent\tDuration[s]\tLocation\n"
        f"W\t{_clock(night.start, 0)}\tSLEEP-S0\t30\tC4-A1\n"
    )
    result = validate_dataset(tmp_path)
    status = dict(zip(result.summary()["night"], result.summary()["status"], strict=True))
    assert status["n1"] == "ok"
    assert "no scored leg movements" in status["n2"] and "n2.txt" in status["n2"]
    assert result.pooled["all"].n_ref == len(night.movements)


def test_missing_reference_movements_lower_precision(night: SimulatedNight, tmp_path: Path) -> None:
    write_cap(night, tmp_path, "n1", drop_lms=10)
    row = validate_dataset(tmp_path).summary().iloc[0]
    assert row["n_ref"] == len(night.movements) - 10
    assert row["precision"] < 0.9 and row["recall"] > 0.8


def test_simulated_nights_are_a_dataset(tmp_path: Path) -> None:
    """`twitchscope simulate` output validates against its own truth files."""
    simulate_night("healthy", seed=2, duration_h=0.25).write(tmp_path / "h2.edf")
    (pair,), _ = find_pairs(tmp_path)
    assert pair.annotation.name == "h2.truth_movements.csv"
    assert {p.name for p in pair.others} == {"h2.truth_hypnogram.csv", "h2.truth_events.csv"}
    row = validate_dataset(tmp_path).summary().iloc[0]
    assert row["status"] == "ok"


def test_folder_errors(tmp_path: Path) -> None:
    with pytest.raises(InputFileError, match="is not a folder"):
        validate_dataset(tmp_path / "nope")
    with pytest.raises(InputFileError, match="holds no recording"):
        validate_dataset(tmp_path)
    pd.DataFrame({"a": [1]}).to_csv(tmp_path / "x.csv")
    (tmp_path / "r.edf").write_bytes(b"0       ")
    with pytest.raises(InputFileError, match="has an annotation file"):
        validate_dataset(tmp_path)


def test_cli_dataset_mode(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from twitchscope.cli import main

    folder = tmp_path / "data [x]"  # a markup-like folder name is printed as text
    folder.mkdir()
    simulate_night("rls", seed=4, duration_h=0.2).write(folder / "r4.edf")
    out = tmp_path / "agreement.json"
    assert main(["validate", "--dataset", str(folder), "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "r4" in printed and "pooled" in printed and "Index agreement" in printed
    data = json.loads(out.read_text())
    assert data["nights"][0]["status"] == "ok" and data["pooled"]["all"]["n_ref"] > 0
    assert main(["validate", "--dataset", str(folder), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["dataset"] == str(folder)
    # both modes at once, or neither, is an error naming what to give
    assert main(["validate", "--dataset", str(folder), "a.csv", "b.csv"]) != 0
    assert "either a dataset folder" in capsys.readouterr().err
    assert main(["validate"]) != 0
    assert "--dataset FOLDER" in capsys.readouterr().err
