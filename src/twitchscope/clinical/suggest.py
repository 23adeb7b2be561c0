"""Did-you-mean hints for misspelt names (question ids, choices, lab tests)."""

from __future__ import annotations

import difflib


def suggest(name: str, known: list[str] | tuple[str, ...]) -> str:
    """A ``" (did you mean 'x'?)"`` hint for a misspelt name, or an empty string."""
    close = difflib.get_close_matches(name, list(known), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""
