"""Night ids from files are data: safe folder names that never leave DIR/nights/."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from twitchscope.batch.spec import NightSpec, assign_folders, safe_folder_name


@pytest.mark.parametrize(
    "night_id",
    ["mesa-sleep-0001", "shhs1-200001", "sub-01_ses-1_task-sleep", "night.v2"],
)
def test_plain_ids_are_kept(night_id: str) -> None:
    assert safe_folder_name(night_id) == night_id


@pytest.mark.parametrize(
    "night_id",
    [
        "../../etc/passwd",
        "..",
        ".",
        "/abs/path",
        "a\\b",
        "x\x00y",
        "名前",
        " ",
        "",
        "CON",
        "nul.txt",
    ],
)
def test_hostile_ids_become_safe_names(night_id: str) -> None:
    name = safe_folder_name(night_id)
    assert name and "/" not in name and "\\" not in name and "\x00" not in name
    assert not name.startswith(".")
    assert name not in (".", "..")
    assert name.split(".")[0].lower() not in ("con", "nul")
    assert name != night_id


def test_ids_that_sanitise_alike_get_different_folders() -> None:
    assert safe_folder_name("a/b") != safe_folder_name("a_b")
    assert safe_folder_name("a/b") != safe_folder_name("a:b")


def test_long_ids_are_shortened() -> None:
    assert len(safe_folder_name("x" * 500)) <= 110


def test_case_only_differences_get_distinct_folders() -> None:
    specs = assign_folders([NightSpec("Night1", "/a.edf"), NightSpec("night1", "/b.edf")])
    folders = [s.folder.lower() for s in specs]
    assert len(set(folders)) == 2
    assert [s.id for s in specs] == ["Night1", "night1"]


def test_duplicate_ids_are_refused() -> None:
    with pytest.raises(ValueError, match="night1"):
        assign_folders([NightSpec("night1", "/a.edf"), NightSpec("night1", "/b.edf")])


@given(st.text(min_size=0, max_size=60))
def test_any_text_gives_a_name_inside_the_folder(night_id: str) -> None:
    from pathlib import PurePosixPath, PureWindowsPath

    name = safe_folder_name(night_id)
    for path_cls in (PurePosixPath, PureWindowsPath):
        p = path_cls("/out/nights") / name
        assert p.parent == path_cls("/out/nights")
        assert p.name == name
    assert name not in ("", ".", "..")
