"""CLI: ``twitchscope info FILE`` (what is in a recording) and ``twitchscope version``."""

from __future__ import annotations

import importlib
import json
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

if TYPE_CHECKING:
    from twitchscope.io.recording import Recording


def _annotation_summary(rec: Recording, warnings: list[str]) -> dict[str, Any]:
    """Counts of raw annotation texts, and of stages/events when the annotation reader exists."""
    raw = rec.raw_annotations()
    counts = Counter(str(d) for d in raw["description"])
    summary: dict[str, Any] = {
        "n_annotations": len(raw),
        "descriptions": dict(counts.most_common()),
        "stages": None,
        "events": None,
    }
    if raw.empty:
        return summary
    try:
        annotations_mod = importlib.import_module("twitchscope.io.annotations")
    except ImportError:
        return summary
    from twitchscope.errors import TwitchscopeError

    try:
        # an annotation-only EDF+ (no signal, records of 0 s) has no duration to check against
        duration = rec.duration if rec.duration > 0 else None
        ann = annotations_mod.read_annotations(rec.path, recording_duration=duration)
    except TwitchscopeError as exc:
        warnings.append(f"annotations could not be interpreted: {exc}")
        return summary
    if ann.hypnogram is not None:
        summary["stages"] = dict(Counter(ann.hypnogram.stages).most_common())
        summary["epoch_length_s"] = ann.hypnogram.epoch_length
    if len(ann.events):
        summary["events"] = {str(k): int(v) for k, v in ann.events["kind"].value_counts().items()}
    warnings.extend(str(w) for w in ann.warnings)
    return summary


def recording_info(path: Path) -> dict[str, Any]:
    """Everything ``twitchscope info`` shows, as plain JSON-ready data.

    Parameters
    ----------
    path : Path
        An EDF/EDF+/BDF/BDF+ recording.

    Returns
    -------
    dict
        ``file``, ``format``, ``start`` (ISO 8601), ``duration_s``, ``channels`` (number: the
        signal's position in the header, 1-based, usable as ``--left '#N'``; label, role,
        fs_hz, unit, source_unit, n_samples, physical_min, physical_max, transducer, prefilter),
        ``roles``, ``annotations`` and ``warnings``.
    """
    from twitchscope.io.recording import open_recording

    with open_recording(path) as rec:
        warnings = list(rec.warnings)
        annotations = _annotation_summary(rec, warnings)
        return {
            "file": str(rec.path),
            "format": rec.format,
            "start": rec.start.isoformat(),
            "duration_s": rec.duration,
            "channels": [
                {
                    "number": c.index + 1,
                    "label": c.label,
                    "role": c.role,
                    "fs_hz": c.fs,
                    "unit": c.unit,
                    "source_unit": c.source_unit,
                    "n_samples": c.n_samples,
                    "physical_min": c.physical_min,
                    "physical_max": c.physical_max,
                    "transducer": c.transducer,
                    "prefilter": c.prefilter,
                }
                for c in rec.channels
            ],
            "roles": rec.roles(),
            "annotations": annotations,
            "warnings": warnings,
        }


def _hms(seconds: float) -> str:
    s = round(seconds)
    return f"{s // 3600}:{s % 3600 // 60:02d}:{s % 60:02d}"


def _print_human(info: dict[str, Any]) -> None:
    # Labels, units, annotation texts and warnings come from the file: printed as plain text.
    from rich.table import Table
    from rich.text import Text

    from twitchscope.cli._common import console, plain

    console.print(plain(info["file"], "bold"), highlight=False)
    console.print(
        f"format {info['format']}   start {info['start'].replace('T', ' ')}   "
        f"duration {_hms(info['duration_s'])} ({info['duration_s']:g} s)",
        highlight=False,
        markup=False,
    )
    table = Table(title="Channels", title_justify="left")
    for col, just in (
        ("#", "right"),
        ("label", "left"),
        ("role", "left"),
        ("rate Hz", "right"),
        ("unit", "left"),
        ("samples", "right"),
        ("physical range", "right"),
    ):
        table.add_column(col, justify=just)  # type: ignore[arg-type]
    for i, c in enumerate(info["channels"], 1):
        unit = c["unit"]
        if unit != c["source_unit"]:
            unit = f"{unit} (from {c['source_unit'] or '-'})"
        table.add_row(
            str(c.get("number", i)),
            plain(c["label"]),
            plain(c["role"] or "-"),
            f"{c['fs_hz']:g}",
            plain(unit or "-"),
            str(c["n_samples"]),
            f"{c['physical_min']:g} .. {c['physical_max']:g}",
        )
    if info["channels"]:
        console.print(table)
    else:
        console.print("no signal channels: an annotation-only file")
    roles = info["roles"]
    console.print(plain("Roles found", "bold"))
    if roles:
        for role, labels in roles.items():
            console.print(f"  {role}: {', '.join(labels)}", highlight=False, markup=False)
    else:
        console.print("  none (name channels explicitly)", markup=False)
    missing = [r for r in ("leg_left", "leg_right") if r not in roles]
    if missing:
        console.print(f"  no {' or '.join(missing)} channel found", highlight=False, markup=False)
    ann = info["annotations"]
    console.print(Text.assemble(("Annotations", "bold"), f" ({ann['n_annotations']})"))
    for key, title in (("stages", "stages (epochs)"), ("events", "events")):
        if ann.get(key):
            parts = ", ".join(f"{k} {v}" for k, v in ann[key].items())
            console.print(f"  {title}: {parts}", highlight=False, markup=False)
    if not ann.get("stages") and not ann.get("events"):
        for text, n in list(ann["descriptions"].items())[:30]:
            console.print(f"  {n:6d}  {text}", highlight=False, markup=False)
        if len(ann["descriptions"]) > 30:
            console.print(f"  ... {len(ann['descriptions']) - 30} more distinct texts")
    if info["warnings"]:
        console.print(Text.assemble(("Warnings", "bold yellow"), f" ({len(info['warnings'])})"))
        for w in info["warnings"]:
            console.print(f"  - {w}", highlight=False, markup=False)


def register(app: typer.Typer) -> None:
    """Add the ``info`` and ``version`` commands to ``app``."""

    @app.command("version")
    def version() -> None:
        """Print the twitchscope version."""
        from twitchscope import __version__

        print(__version__)

    @app.command("info")
    def info(
        file: Annotated[Path, typer.Argument(help="EDF, EDF+ or BDF recording.")],
        as_json: Annotated[bool, typer.Option("--json", help="Print as JSON.")] = False,
    ) -> None:
        """Show a recording's channels, roles, rates, units, duration, annotations and warnings."""
        data = recording_info(file)
        if as_json:
            print(json.dumps(data, indent=2, ensure_ascii=False))
        else:
            _print_human(data)
