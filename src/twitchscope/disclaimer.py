"""The short statement every report and assessment carries."""

from __future__ import annotations

from typing import Final

DISCLAIMER: Final[str] = (
    "twitchscope supports, it does not diagnose. Its findings say what the evidence is "
    "consistent with and what is worth discussing with a clinician; only a clinician who has "
    "examined you can make a diagnosis. If you have sudden weakness, trouble breathing or "
    "swallowing, a seizure, or feel very unwell, call emergency services now."
)
