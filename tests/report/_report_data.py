"""Hand-built data of the report tests, with hostile strings wherever a file supplies text."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

from twitchscope.results import ScoreResult

ROOT = Path(__file__).resolve().parents[2]
#: Markup that would run or show up as an element if any report forgot to escape it.
HOSTILE = "<img src=x onerror=\"document.title='PWNED'\"><script>window.pwned=1</script>&amp;"


def _builder() -> ModuleType:
    # The hand-built ScoreResult of the output tests (tests are not a package).
    path = ROOT / "tests" / "test_outputs.py"
    spec = importlib.util.spec_from_file_location("_score_result_builder", path)
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def make_result(**kwargs: object) -> ScoreResult:
    """A one-hour night: 6 movements on the left leg, 2 on the right, one PLM series of 4."""
    return _builder().make_result(**kwargs)  # type: ignore[no-any-return]


def hostile_result() -> ScoreResult:
    """The hand-built night with hostile text in every field that comes from a file."""
    res = make_result()
    res.source = f"{HOSTILE}.edf"
    res.channels = {"left": f"L{HOSTILE}", "right": f"R{HOSTILE}"}
    res.warnings = [f"annotation label {HOSTILE} not understood"]
    res.hypnogram_source = f"stages {HOSTILE}.xml"
    res.events_source = f"events {HOSTILE}.tsv"
    res.indices["periodicity_definition"] = HOSTILE
    return res
