"""Integer stage codes are digits with at most one sign (hypothesis found ``--1`` crashing)."""

from __future__ import annotations

from pathlib import Path

import pytest

from twitchscope.errors import InputFileError
from twitchscope.io.annotations import read_annotations
from twitchscope.io.annotations.text_table import is_integer_text


@pytest.mark.parametrize(
    ("text", "expected"),
    [("3", True), ("-1", True), ("+2", True), (" 5 ", True), ("--1", False), ("+-1", False),
     ("-", False), ("", False), ("²", False), ("1.0", False)],
)  # fmt: skip
def test_is_integer_text(text: str, expected: bool) -> None:
    assert is_integer_text(text) is expected
    if expected:
        int(text)  # what the readers then do with it


def test_double_sign_in_a_hypnogram_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "hyp.csv"
    path.write_text("--1\n")
    with pytest.raises(InputFileError, match=r"hyp\.csv"):
        read_annotations(path)
