"""CLI: ``twitchscope simulate`` writes a realistic night with its truth files."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from twitchscope.cli._common import console


def register(app: typer.Typer) -> None:
    """Add the ``simulate`` command to ``app``."""

    @app.command("simulate")
    def simulate(
        out: Annotated[Path, typer.Argument(help="Recording to write (.edf or .bdf).")],
        scenario: Annotated[
            str,
            typer.Option(
                "--scenario",
                "-s",
                help="healthy, rls, severe, osa, noisy, low_amplitude or plmd_no_rls.",
            ),
        ] = "rls",
        seed: Annotated[
            int, typer.Option("--seed", min=0, help="Random seed (same seed, same night).")
        ] = 0,
        hours: Annotated[
            float | None,
            typer.Option("--hours", help="Night length in hours (default: the scenario's 7-9 h)."),
        ] = None,
        fmt: Annotated[
            str, typer.Option("--format", help="edf (EDF+, 16 bit) or bdf (BDF+, 24 bit).")
        ] = "edf",
        force: Annotated[bool, typer.Option("--force", help="Overwrite existing files.")] = False,
        twitches: Annotated[
            bool,
            typer.Option(
                "--twitches",
                help="Also inject the other twitch kinds (hypnic jerks, EFM, ALMA, HFT, tremor) "
                "with their truth in .truth_twitches.csv.",
            ),
        ] = False,
    ) -> None:
        """Simulate an overnight PSG with known truth (leg movements, stages, events)."""
        from rich.text import Text

        from twitchscope.errors import InputFileError, ValidationError
        from twitchscope.simulate import get_scenario, simulate_night
        from twitchscope.simulate.writer import summary, truth_paths

        get_scenario(scenario)  # unknown names fail before any work
        if hours is not None and not 0.1 <= hours <= 16.0:
            raise ValidationError("--hours", f"must be within 0.1-16, got {hours:g}")
        if fmt not in ("edf", "bdf"):
            raise ValidationError("--format", f"must be 'edf' or 'bdf', got {fmt!r}")
        files = truth_paths(out)
        existing = [p for p in files.all() if p.exists()]
        if existing and not force:
            raise InputFileError(existing[0], "already exists; use --force to overwrite")
        if out.exists() and out.is_dir():
            raise InputFileError(out, "is a folder; give the recording's file name")
        out.parent.mkdir(parents=True, exist_ok=True)
        night = simulate_night(scenario, seed, duration_h=hours)
        if twitches:
            from twitchscope.simulate.twitch_kinds import add_twitch_kinds

            night = add_twitch_kinds(night)
        written = night.write(out, "bdf" if fmt == "bdf" else "edf")
        s = summary(night)
        chans = ", ".join(f"{k} {v.fs:g} Hz" for k, v in night.signals.items())
        resp = s["respiratory_events"]
        n_apnea = resp.get("obstructive_apnea", 0) + resp.get("central_apnea", 0)
        console.print(
            Text.assemble(
                "simulated scenario ",
                (scenario, "bold"),
                f" seed {seed}: {night.duration / 3600:.2f} h, sleep "
                f"{s['total_sleep_time_h']:.2f} h, start {night.start:%Y-%m-%d %H:%M:%S}",
            ),
            highlight=False,
        )
        console.print(f"channels: {chans}", highlight=False, markup=False)
        console.print(
            f"true leg movements: left {s['lm_count']['left']}, right {s['lm_count']['right']} "
            f"(approx. PLMS index {s['approx_plms_index']:.1f}/h)",
            highlight=False,
        )
        console.print(
            f"true apnoeas {n_apnea}, hypopnoeas {resp.get('hypopnea', 0)} "
            f"(AHI {s['ahi']:.1f}/h), arousals {s['arousals']}, artefacts "
            f"{sum(s['artefacts'].values())}",
            highlight=False,
        )
        if night.twitches is not None:
            kinds = night.twitches["kind"].value_counts()
            console.print(
                "true twitch kinds: "
                + ", ".join(f"{k} {v}" for k, v in kinds.items())
                + f" ({written.truth_twitches.name})",
                highlight=False,
                markup=False,
            )
        # paths are data: never console markup
        console.print(f"recording: {written.recording}", highlight=False, markup=False)
        console.print(
            f"truth: {written.truth_json.name}, {written.truth_movements.name}, "
            f"{written.truth_hypnogram.name}, {written.truth_events.name}, "
            f"{written.truth_artefacts.name} (in {written.recording.parent})",
            highlight=False,
            markup=False,
        )
