"""Print the other twitch kinds of a night (``score``)."""

from __future__ import annotations

from typing import Any

from twitchscope.cli._common import console, plain


def print_twitches(tw: Any) -> None:
    """A table of the twitch kinds: count, per hour, and the EFM verdict (not PLM indices)."""
    from rich.table import Table

    table = Table(title="Other twitch kinds (not counted in PLM indices)", show_edge=False,
                  header_style="bold")  # fmt: skip
    table.add_column("kind")
    table.add_column("count", justify="right")
    table.add_column(f"per hour ({tw.basis})", justify="right")
    for r in tw.summary().to_dict(orient="records"):
        if not r["assessed"]:
            table.add_row(plain(r["kind"]), "not assessed", "")
            continue
        table.add_row(plain(r["kind"]), str(r["count"]), f"{float(r['per_hour']):.2f}")
    console.print(table)
    v = tw.efm.get("verdict", "not assessed")
    mins = tw.efm.get("minutes_meeting_rule")
    extra = f" ({mins:.0f} NREM minutes at >= 5 potentials/min)" if mins is not None else ""
    console.print(plain(f"excessive fragmentary myoclonus: {v}{extra}"), highlight=False)
