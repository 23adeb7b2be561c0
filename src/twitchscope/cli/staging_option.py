"""``score --stage auto``: an automatic hypnogram for a PSG without one (YASA, staging extra)."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import TYPE_CHECKING, Any

from twitchscope.cli._common import err_console
from twitchscope.errors import ValidationError

if TYPE_CHECKING:
    from twitchscope.results import ScoreResult
    from twitchscope.staging import AutoStaging


def automatic_hypnogram(
    recording: Path, stage: str, given: Any, *, quiet: bool = False
) -> tuple[Any, AutoStaging | None]:
    """Stage ``recording`` automatically when ``stage`` is ``auto`` (refused with a hypnogram)."""
    if stage != "auto":
        raise ValidationError("--stage", f"the only value is 'auto', got {stage!r}")
    if given is not None:
        raise ValidationError(
            "--stage", "auto stages a recording without hypnogram; drop --hypnogram"
        )
    from twitchscope.staging import stage_automatically

    if not quiet:
        err_console.print("staging the night automatically (YASA) ...", highlight=False)
    auto = stage_automatically(recording)
    return auto.hypnogram, auto


def mark_automatic(result: ScoreResult, auto: AutoStaging) -> ScoreResult:
    """Label every index of ``result`` as coming from an automatic hypnogram."""
    s = auto.summary()
    note = (
        f"sleep stages are AUTOMATIC ({s['method']}, {s['software']}; mean confidence "
        f"{s['confidence_mean']:.2f}, {100 * s['low_confidence_share']:.0f} % of epochs below "
        f"{s['low_confidence_threshold']:g}): PLMS indices rest on an automatic hypnogram"
    )
    indices = dict(result.indices)
    indices["hypnogram_automatic"] = True
    return dataclasses.replace(
        result,
        staging=auto,
        indices=indices,
        warnings=[note, *result.warnings],
        hypnogram_source=auto.hypnogram.source,
    )
