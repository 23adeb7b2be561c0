"""A page audit run in the browser (``audit.js``): WCAG AA text contrast, a name for every
control and link, unique ids, the disclaimer, and no sideways scrolling. It returns the
problems found, as text."""

from __future__ import annotations

from pathlib import Path
from typing import Final

AUDIT_JS: Final[str] = (Path(__file__).with_name("audit.js")).read_text(encoding="utf-8")
