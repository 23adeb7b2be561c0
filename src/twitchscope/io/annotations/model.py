"""The :class:`Annotations` value every annotation reader returns."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final

import pandas as pd

from twitchscope.errors import InputFileError
from twitchscope.hypnogram import Hypnogram

#: Annotation formats twitchscope reads (the ``format`` of :class:`Annotations`).
FORMATS: Final[tuple[str, ...]] = (
    "edf+",
    "nsrr-xml",
    "profusion-xml",
    "bids-tsv",
    "csv-hypnogram",
    "csv-movements",
    "csv-events",
    "cap-txt",
    "dreams-txt",
)

#: Columns of a reference leg-movement table.
MOVEMENT_COLUMNS: Final[tuple[str, ...]] = ("leg", "onset", "duration")


def empty_movements() -> pd.DataFrame:
    """A reference leg-movement table with no rows (columns ``leg``, ``onset``, ``duration``)."""
    return pd.DataFrame(
        {
            "leg": pd.Series([], dtype=object),
            "onset": pd.Series([], dtype=float),
            "duration": pd.Series([], dtype=float),
        }
    )


@dataclass(frozen=True)
class Annotations:
    """Stages and scored events read from one annotation file.

    Parameters
    ----------
    hypnogram : Hypnogram or None
        The sleep stages; None only when the file holds no stage at all.
    events : pandas.DataFrame
        Scored events with the columns of :mod:`twitchscope.events` (``onset``, ``duration`` in
        s from the recording start, ``kind``, ``leg``, ``label``), sorted by onset; may be empty.
        Labels the vocabulary does not know are kept with kind ``"other"`` and counted in
        ``warnings``.
    source : str
        The file the annotations came from.
    format : str
        One of :data:`FORMATS`.
    warnings : list of str
        What the reader noticed and could not use as is (unknown labels, ...); nothing is
        dropped silently.
    """

    hypnogram: Hypnogram | None
    events: pd.DataFrame
    source: str
    format: str
    warnings: list[str] = field(default_factory=list)

    def require_hypnogram(self) -> Hypnogram:
        """The hypnogram.

        Raises
        ------
        InputFileError
            When the file holds no sleep stages.
        """
        if self.hypnogram is None:
            raise InputFileError(
                self.source,
                f"holds no sleep stages ({self.format} annotations with "
                f"{len(self.events)} event(s)); give a hypnogram file",
            )
        return self.hypnogram

    def leg_movements(self) -> pd.DataFrame:
        """Reference leg movements: columns ``leg`` (``left``/``right``), ``onset``, ``duration``.

        Limb-movement events whose leg the file does not say are left out here (they stay in
        :attr:`events`, and the reader warned about them). Empty when the file has none.
        """
        ev = self.events
        mask = (ev["kind"] == "limb_movement") & ev["leg"].isin(["left", "right"])
        if not bool(mask.any()):
            return empty_movements()
        out = ev.loc[mask, ["leg", "onset", "duration"]]
        return out.sort_values(["onset", "leg"], kind="stable").reset_index(drop=True)
