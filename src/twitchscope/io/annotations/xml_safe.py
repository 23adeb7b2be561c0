"""Safe XML parsing shared by the NSRR and Profusion readers.

Every parse goes through defusedxml with DTDs forbidden: entity expansion ("billion laughs"),
external entities and any DTD are refused at once with an error naming the file, never expanded.
Two more things are refused: XInclude (``<xi:include>`` pulls in other files; ElementTree would
silently leave the element unexpanded, so the annotations it stands for would be missing), and
nesting deeper than :data:`MAX_DEPTH` (annotation files are a few levels deep; a document nested
a million levels deep is an attack on the parser and is stopped within its first kilobytes).
"""

from __future__ import annotations

import io
import math
from pathlib import Path
from typing import Final
from xml.etree.ElementTree import Element, ParseError

import defusedxml
import defusedxml.ElementTree as SafeET

from twitchscope.errors import InputFileError

#: Deepest element nesting accepted (NSRR and Profusion files are 3-4 levels deep).
MAX_DEPTH: Final = 64
XINCLUDE_NAMESPACES: Final = (
    "http://www.w3.org/2001/XInclude",
    "http://www.w3.org/2003/XInclude",
)


class _TooDeep(Exception):
    """The nesting exceeds :data:`MAX_DEPTH`."""


class DefusedXInclude(Exception):
    """An XInclude element was found (refused: it would read other files)."""


def _parse_bounded(data: bytes) -> Element:
    """Parse with defusedxml, stopping as soon as the nesting exceeds :data:`MAX_DEPTH`."""
    depth = 0
    root: Element | None = None
    for event, element in SafeET.iterparse(
        io.BytesIO(data),
        events=("start", "end"),
        forbid_dtd=True,
        forbid_entities=True,
        forbid_external=True,
    ):
        if event == "start":
            depth += 1
            if root is None:
                root = element
            if depth > MAX_DEPTH:
                raise _TooDeep
            tag = element.tag
            if isinstance(tag, str) and tag.startswith("{"):
                ns = tag[1:].split("}", 1)[0]
                if ns in XINCLUDE_NAMESPACES:
                    raise DefusedXInclude(tag)
        else:
            depth -= 1
    if root is None:  # pragma: no cover - expat reports "no element found" first
        raise ParseError("no element found")
    return root


def parse_xml(path: str | Path) -> Element:
    """Parse an XML file safely and return its root element.

    Raises
    ------
    InputFileError
        When the file is missing, empty, malformed or truncated XML, declares a DTD or
        entities (refused: they are how hostile XML attacks parsers), uses XInclude, or is
        nested more than :data:`MAX_DEPTH` levels deep.
    """
    p = Path(path)
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise InputFileError(p, f"cannot be read ({exc.strerror or exc})") from exc
    if not data.strip():
        raise InputFileError(p, "is empty")
    try:
        root = _parse_bounded(data)
    except _TooDeep:
        raise InputFileError(
            p,
            f"XML is nested more than {MAX_DEPTH} levels deep; annotation files are a few "
            "levels deep, so it is refused",
        ) from None
    except DefusedXInclude:
        raise InputFileError(
            p,
            "XML uses XInclude (<xi:include>), which twitchscope refuses: it would read other "
            "files; put the annotations in the file itself",
        ) from None
    except RecursionError:
        raise InputFileError(p, "XML is nested too deeply") from None
    except defusedxml.DTDForbidden as exc:
        raise InputFileError(
            p, "XML declares a DTD, which twitchscope refuses (DTDs allow entity-expansion attacks)"
        ) from exc
    except defusedxml.EntitiesForbidden as exc:
        raise InputFileError(
            p, f"XML declares entities ({exc.name!r}), which twitchscope refuses to expand"
        ) from exc
    except defusedxml.DefusedXmlException as exc:
        raise InputFileError(p, f"XML refused as unsafe ({type(exc).__name__})") from exc
    except ParseError as exc:
        raise InputFileError(p, f"malformed or truncated XML ({exc})") from exc
    except (ValueError, LookupError) as exc:  # bad encoding declarations and the like
        raise InputFileError(p, f"unreadable XML ({exc})") from exc
    return root


def local_tag(element: Element) -> str:
    """The tag of an element without any ``{namespace}`` prefix."""
    tag = element.tag
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def child_text(element: Element, tag: str) -> str | None:
    """Stripped text of the first child called ``tag``; None when there is no such child.

    None is a lookup miss for the calling reader, which decides whether it is an error.
    """
    for child in element:
        if local_tag(child) == tag:
            return (child.text or "").strip()
    return None


def find_child(element: Element, tag: str) -> Element | None:
    """First child element called ``tag`` (namespace ignored); None when there is none."""
    for child in element:
        if local_tag(child) == tag:
            return child
    return None


def parse_seconds(source: str | Path, text: str | None, what: str, where: str) -> float:
    """Parse a time in seconds from an XML element's text.

    Raises
    ------
    InputFileError
        When the element is missing, not a number or not finite; ``what`` names the element
        and ``where`` the event, for the message.
    """
    if text is None:
        raise InputFileError(source, f"{where} has no <{what}> element")
    try:
        value = float(text)
    except ValueError:
        raise InputFileError(source, f"{where}: <{what}> is not a number ({text!r})") from None
    if not math.isfinite(value):
        raise InputFileError(source, f"{where}: <{what}> is not finite ({text!r})")
    return value


def check_root(source: str | Path, root: Element, tag: str, format_name: str) -> None:
    """Raise unless the document's root element is ``<tag>`` (namespace ignored).

    ``format_name`` (e.g. ``"NSRR XML"``) says in the message which format was expected.
    """
    if local_tag(root) != tag:
        raise InputFileError(
            source, f"root element is <{local_tag(root)}>, expected <{tag}> ({format_name})"
        )


def event_times(source: str | Path, event: Element, where: str) -> tuple[float, float]:
    """``<Start>`` and ``<Duration>`` of a scored event in seconds.

    A missing or empty ``<Duration>`` gives NaN (the collector decides what that means for a
    stage or an event); a missing ``<Start>`` or a non-numeric time is an error naming ``where``.
    """
    start = parse_seconds(source, child_text(event, "Start"), "Start", where)
    duration_text = child_text(event, "Duration")
    duration = (
        math.nan
        if duration_text in (None, "")
        else parse_seconds(source, duration_text, "Duration", where)
    )
    return start, duration


def epoch_length_of(source: str | Path, root: Element, default: float) -> float:
    """The ``<EpochLength>`` of a scoring file in seconds, or ``default`` when absent."""
    text = child_text(root, "EpochLength")
    if text is None or text == "":
        return default
    value = parse_seconds(source, text, "EpochLength", "the file")
    if value <= 0:
        raise InputFileError(source, f"<EpochLength> must be > 0 s, got {text!r}")
    return value
