"""Property tests of the answers, lab-value and recording-summary JSON files.

The answers a person writes (by hand or with ``twitchscope ask``) are mutated: values replaced by
hostile ones (huge, negative and non-finite numbers, markup, long texts, nested structures),
keys added, duplicated or dropped, and the JSON text itself cut or flipped. Reading and assessing
them must end in a :class:`~twitchscope.errors.TwitchscopeError` naming the field, or in an
assessment; never another exception, and a key given twice is never silently resolved.
"""

from __future__ import annotations

import json
import os
import warnings
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from seeds import ANSWERS

from twitchscope.clinical import assess
from twitchscope.clinical.answers import validate_answers
from twitchscope.clinical.jsonfile import read_json_object
from twitchscope.clinical.labs import parse_labs
from twitchscope.clinical.questions import QUESTIONS_BY_ID
from twitchscope.errors import TwitchscopeError

EXAMPLES = int(os.environ.get("TWITCHSCOPE_FUZZ_EXAMPLES", "40"))
SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
LABS = {
    "ferritin": {"value": 38, "unit": "ng/mL"},
    "transferrin_saturation": {"value": 18, "unit": "%"},
    "haemoglobin": {"value": 12.6, "unit": "g/dL"},
}

#: JSON values (as text) that a Python json decoder accepts but that are hostile.
HOSTILE_JSON = [
    "9" * 5000, "-" + "9" * 400, "1e400", "-1e400", "NaN", "Infinity", "-Infinity", "1e-400",
    "0", "-1", "2147483648", "1.5", '"[/]"', '"[bold red]x[/]"', '"<script>x</script>"',
    '"\\u0000"', '"\\ud800"', '"' + "x" * 5000 + '"', "[]", "[[[[[[[]]]]]]]", "{}", "true",
    "null", '{"value": 1, "value": 2}', '["calf", "calf"]', '["[/]"]', '"calf"',
]  # fmt: skip

json_values = st.one_of(
    st.sampled_from(HOSTILE_JSON),
    st.recursive(
        st.one_of(
            st.none(),
            st.booleans(),
            st.integers(),
            st.floats(allow_nan=False),
            st.text(max_size=20),
        ),
        lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner),
        max_leaves=8,
    ).map(json.dumps),
)
keys = st.one_of(st.sampled_from(sorted(QUESTIONS_BY_ID)), st.text(max_size=12))


def _document(pairs: list[tuple[str, str]]) -> str:
    """A JSON object written pair by pair, so that keys may repeat."""
    return "{" + ", ".join(f"{json.dumps(k)}: {v}" for k, v in pairs) + "}"


def _check_read(path: Path, what: str) -> dict[str, Any] | None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        try:
            return read_json_object(path, what)
        except TwitchscopeError as exc:
            assert str(path.name) in str(exc)
            return None


@SETTINGS
@given(
    replace=st.lists(st.tuples(keys, json_values), max_size=5),
    drop=st.lists(st.sampled_from(sorted(ANSWERS)), max_size=3),
)
def test_answers_with_hostile_values(
    tmp_path: Path, replace: list[tuple[str, str]], drop: list[str]
) -> None:
    pairs = [(k, json.dumps(v)) for k, v in ANSWERS.items() if k not in drop] + replace
    path = tmp_path / "answers.json"
    path.write_text(_document(pairs), encoding="utf-8")
    doc = _check_read(path, "answers")
    names = [k for k, _ in pairs]
    if doc is None:
        return
    assert len(names) == len(set(names)), "a duplicate key was silently accepted"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        try:
            result = assess(path)
        except TwitchscopeError as exc:
            assert str(exc)
            return
    assert result.triage in ("emergency", "urgent", "see_doctor", "self_care")
    json.loads(result.to_json())


@SETTINGS
@given(
    cut=st.integers(0, 400),
    flips=st.lists(
        st.tuples(st.integers(0, 10_000), st.sampled_from(list(b'{}[]":,\\0e-9 x'))), max_size=6
    ),
)
def test_answers_text_mutations(tmp_path: Path, cut: int, flips: list[tuple[int, int]]) -> None:
    data = bytearray(json.dumps({**ANSWERS, "labs": LABS}, indent=1).encode())
    for pos, value in flips:
        data[pos % len(data)] = value
    data = data[: len(data) - cut] if cut < len(data) else data[:1]
    path = tmp_path / "answers.json"
    path.write_bytes(bytes(data))
    if _check_read(path, "answers") is None:
        return
    try:
        validate_answers(path)
    except TwitchscopeError as exc:
        assert str(exc)


@SETTINGS
@given(
    test=st.one_of(st.sampled_from(sorted(LABS)), st.text(max_size=10)),
    value=json_values,
    unit=st.one_of(st.sampled_from(['"ng/mL"', '"µg/L"', '"%"', '"g/dL"', '"[/]"']), json_values),
)
def test_lab_values(tmp_path: Path, test: str, value: str, unit: str) -> None:
    entry = f'{{"value": {value}, "unit": {unit}}}'
    path = tmp_path / "labs.json"
    path.write_text(_document([*((k, json.dumps(v)) for k, v in LABS.items()), (test, entry)]))
    doc = _check_read(path, "lab values")
    if doc is None:
        return
    try:
        parse_labs(doc)
    except TwitchscopeError as exc:
        assert str(exc)
