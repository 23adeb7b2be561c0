"""Finding the nights: manifests and the NSRR, BIDS and plain-folder layouts."""

from __future__ import annotations

from pathlib import Path

import pytest

from twitchscope.batch import discover, read_manifest
from twitchscope.errors import InputFileError, ValidationError


def touch(path: Path, text: str = "x") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_nsrr_layout_pairs_edf_with_its_xml(tmp_path: Path) -> None:
    base = tmp_path / "mesa" / "polysomnography"
    e1 = touch(base / "edfs" / "mesa-sleep-0001.edf")
    e2 = touch(base / "edfs" / "mesa-sleep-0002.edf")
    x1 = touch(base / "annotations-events-nsrr" / "mesa-sleep-0001-nsrr.xml")
    touch(base / "annotations-events-profusion" / "mesa-sleep-0002-profusion.xml")
    touch(tmp_path / "other" / "stray.edf")
    found = discover(tmp_path)
    assert found.layout == "nsrr"
    by_id = {n.id: n for n in found.nights}
    assert set(by_id) == {"mesa-sleep-0001", "mesa-sleep-0002"}
    assert by_id["mesa-sleep-0001"].recording == str(e1)
    assert by_id["mesa-sleep-0001"].annotations == str(x1)
    assert by_id["mesa-sleep-0002"].recording == str(e2)
    assert by_id["mesa-sleep-0002"].annotations.endswith("mesa-sleep-0002-profusion.xml")
    assert any("outside the NSRR" in w for w in found.warnings)


def test_nsrr_sub_folders_are_mirrored_and_missing_xml_warns(tmp_path: Path) -> None:
    base = tmp_path / "shhs" / "polysomnography"
    touch(base / "edfs" / "shhs1" / "shhs1-200001.edf")
    touch(base / "edfs" / "shhs2" / "shhs2-200001.edf")
    x = touch(base / "annotations-events-nsrr" / "shhs1" / "shhs1-200001-nsrr.xml")
    found = discover(tmp_path, layout="nsrr")
    by_id = {n.id: n for n in found.nights}
    assert by_id["shhs1-200001"].annotations == str(x)
    assert by_id["shhs2-200001"].annotations is None
    assert any("shhs2-200001.edf: no NSRR annotation file" in w for w in found.warnings)


def test_bids_layout_pairs_recording_with_events(tmp_path: Path) -> None:
    eeg = touch(tmp_path / "sub-01" / "ses-1" / "eeg" / "sub-01_ses-1_task-sleep_eeg.edf")
    ev = touch(tmp_path / "sub-01" / "ses-1" / "eeg" / "sub-01_ses-1_task-sleep_events.tsv")
    touch(tmp_path / "sub-02" / "emg" / "sub-02_task-sleep_emg.bdf")
    touch(tmp_path / "derivatives" / "sub-01" / "eeg" / "sub-01_task-x_eeg.edf")
    found = discover(tmp_path)
    assert found.layout == "bids"
    by_id = {n.id: n for n in found.nights}
    assert set(by_id) == {"sub-01_ses-1_task-sleep", "sub-02_task-sleep"}
    assert by_id["sub-01_ses-1_task-sleep"].recording == str(eeg)
    assert by_id["sub-01_ses-1_task-sleep"].annotations == str(ev)
    assert by_id["sub-02_task-sleep"].annotations is None


def test_plain_folder_with_sidecars_hidden_files_and_output_left_out(tmp_path: Path) -> None:
    touch(tmp_path / "a.edf")
    x = touch(tmp_path / "a.xml")
    touch(tmp_path / "b.EDF")
    touch(tmp_path / "._b.edf")  # macOS resource fork
    touch(tmp_path / ".hidden" / "c.edf")
    touch(tmp_path / "results" / "nights" / "x" / "d.edf")
    touch(tmp_path / "a.truth_hypnogram.csv")
    found = discover(tmp_path, exclude=[tmp_path / "results"])
    assert found.layout == "edf"
    by_id = {n.id: n for n in found.nights}
    assert set(by_id) == {"a", "b"}
    assert by_id["a"].annotations == str(x)
    assert by_id["b"].annotations is None


def test_two_candidate_annotation_files_make_the_night_a_named_problem(tmp_path: Path) -> None:
    touch(tmp_path / "a.edf")
    touch(tmp_path / "a.xml")
    touch(tmp_path / "a_events.tsv")
    (night,) = discover(tmp_path).nights
    assert night.problem is not None
    assert "a.xml" in night.problem and "a_events.tsv" in night.problem


def test_same_names_in_two_folders_get_path_ids(tmp_path: Path) -> None:
    touch(tmp_path / "site1" / "night.edf")
    touch(tmp_path / "site2" / "night.edf")
    touch(tmp_path / "site2" / "other.edf")
    found = discover(tmp_path)
    assert sorted(n.id for n in found.nights) == ["other", "site1/night", "site2/night"]
    assert len({n.folder for n in found.nights}) == 3
    assert any("share a name" in w for w in found.warnings)


def test_manifest_with_relative_paths_ids_and_unknown_columns(tmp_path: Path) -> None:
    rec = touch(tmp_path / "data" / "n1.edf")
    hyp = touch(tmp_path / "data" / "n1.csv")
    touch(tmp_path / "data" / "n2.edf")
    m = touch(
        tmp_path / "cohort.tsv",
        "recording\thypnogram\tid\tnotes\n"
        "data/n1.edf\tdata/n1.csv\tP-001\tfirst\n"
        "\n"
        "data/n2.edf\t\t\t\n",
    )
    found = read_manifest(m)
    assert found.layout == "manifest"
    a, b = found.nights
    assert (a.id, a.recording, a.hypnogram) == ("P-001", str(rec), str(hyp))
    assert (b.id, b.hypnogram) == ("n2", None)
    assert any("'notes'" in w for w in found.warnings)
    assert discover(m).nights == found.nights


def test_manifest_duplicate_ids_name_the_lines(tmp_path: Path) -> None:
    m = touch(tmp_path / "m.csv", "id,recording\nA,a.edf\nB,b.edf\nA,c.edf\n")
    with pytest.raises(InputFileError, match=r"'A' is used on lines 2, 4"):
        read_manifest(m)


def test_manifest_same_derived_ids_ask_for_an_id_column(tmp_path: Path) -> None:
    m = touch(tmp_path / "m.csv", "recording\n/x/night.edf\n/x/night.edf\n")
    with pytest.raises(InputFileError, match="same night id"):
        read_manifest(m)


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("", "is empty"),
        ("path,hypnogram\na.edf,b.csv\n", "no 'recording' column"),
        ("recording,id\n,x\n", "line 2: the 'recording' cell is empty"),
        ("recording\n", "lists no night"),
    ],
)
def test_bad_manifests_are_clear_errors(tmp_path: Path, text: str, match: str) -> None:
    m = touch(tmp_path / "m.csv", text)
    with pytest.raises(InputFileError, match=match):
        discover(m)


def test_binary_manifest_and_missing_input(tmp_path: Path) -> None:
    m = tmp_path / "m.csv"
    m.write_bytes(b"\x00\x01\xff\xfe")
    with pytest.raises(InputFileError, match=r"m\.csv: is not UTF-8"):
        discover(m)
    with pytest.raises(InputFileError, match="no such file or folder"):
        discover(tmp_path / "nowhere")
    with pytest.raises(ValidationError, match="--layout"):
        discover(tmp_path, layout="xnat")


def test_empty_folder_says_no_recording(tmp_path: Path) -> None:
    touch(tmp_path / "readme.txt")
    with pytest.raises(InputFileError, match="no EDF/BDF recording found"):
        discover(tmp_path)
