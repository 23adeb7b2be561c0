"""Shared pieces of the CLI: the consoles and the printing of text that is data.

Text from a file, a file name, a path or a person (annotation labels, header fields, channel
labels, stage labels, lab units, diary entries, error messages quoting any of these) is data: it
is never parsed as console markup. Print it with :func:`print_error` / :func:`print_warning`,
as :class:`rich.text.Text` (:func:`plain`), with ``markup=False``, or escaped with :func:`esc`
inside markup the CLI itself writes.
"""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape
from rich.text import Text

console = Console()
# soft_wrap: an error message is one line a user can copy and a test can match, never re-wrapped.
err_console = Console(stderr=True, soft_wrap=True)


def esc(value: object) -> str:
    """``value`` as text that is safe inside console markup (``[`` escaped)."""
    return escape(str(value))


def plain(value: object, style: str = "") -> Text:
    """``value`` as a rich Text that is never parsed as markup (for tables and titles)."""
    return Text(str(value), style=style)


def print_error(message: object, label: str = "error") -> None:
    """``label: message`` on stderr, the label in bold red, the message as plain text."""
    err_console.print(Text.assemble((f"{label}:", "bold red"), " ", str(message)), highlight=False)


def print_warning(message: object, label: str = "warning") -> None:
    """``label: message`` on stderr, the label in yellow, the message as plain text."""
    err_console.print(Text.assemble((f"{label}:", "yellow"), " ", str(message)), highlight=False)
