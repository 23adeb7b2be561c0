"""Recognise an annotation file's format from its content (then its extension)."""

from __future__ import annotations

from pathlib import Path
from typing import Final

from twitchscope.errors import InputFileError
from twitchscope.io.annotations.model import FORMATS
from twitchscope.io.file_kinds import RECORDING_SUFFIXES

_EDF_MAGIC: Final[tuple[bytes, ...]] = (b"0       ", b"\xffBIOSEMI")
_XML_ROOTS: Final[dict[str, str]] = {"PSGAnnotation": "nsrr-xml", "CMPStudyConfig": "profusion-xml"}
_BIDS_LABEL_COLUMNS: Final[tuple[str, ...]] = ("trial_type", "value", "description")
_HEAD_BYTES = 65536


def read_head(path: str | Path) -> bytes:
    """The first bytes of a file; raises InputFileError when it is missing or empty."""
    p = Path(path)
    try:
        with p.open("rb") as fh:
            head = fh.read(_HEAD_BYTES)
    except FileNotFoundError:
        raise InputFileError(p, "no such file") from None
    except IsADirectoryError:
        raise InputFileError(p, "is a directory, not an annotation file") from None
    except OSError as exc:
        raise InputFileError(p, f"cannot be read ({exc.strerror or exc})") from exc
    if not head.strip():
        raise InputFileError(p, "is empty")
    return head


def sniff_format(path: str | Path) -> str:
    """The annotation format of a file: one of :data:`~twitchscope.io.annotations.model.FORMATS`.

    EDF/BDF files are recognised by their version field, XML files by their root element
    (``PSGAnnotation``: NSRR, ``CMPStudyConfig``: Profusion), CAP Sleep Database scorings by
    their ``Sleep Stage ... Time ... Event`` header line, DREAMS files by a ``[name]`` first line
    followed by numbers, text tables by their header (``onset`` plus
    ``trial_type``/``value``/``description``: BIDS events; ``onset``, ``kind`` and ``label``: a
    twitchscope event table; ``leg`` and ``onset``: reference movements; anything else: a CSV
    hypnogram).

    Raises
    ------
    InputFileError
        When the file is missing or empty, or is XML with an unknown root element.
    """
    p = Path(path)
    head = read_head(p)
    if head.startswith(_EDF_MAGIC) or p.suffix.lower() in RECORDING_SUFFIXES:
        return "edf+"
    text_start = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if text_start.startswith(b"<") or p.suffix.lower() == ".xml":
        return xml_format(p)
    from twitchscope.io.annotations.cap_txt import is_cap_txt
    from twitchscope.io.annotations.dreams_txt import is_dreams_txt

    if is_cap_txt(head):
        return "cap-txt"
    if is_dreams_txt(head):
        return "dreams-txt"
    header = _first_line(head)
    fields = {f.strip().strip('"').strip().lower() for f in _split_any(header)}
    if "onset" in fields and fields & set(_BIDS_LABEL_COLUMNS):
        return "bids-tsv"
    if {"onset", "kind"} <= fields and ("label" in fields or "leg" not in fields):
        return "csv-events"
    if {"leg", "onset"} <= fields:
        return "csv-movements"
    return "csv-hypnogram"


def xml_format(path: str | Path) -> str:
    """The format of an XML annotation file from its root element (parsed safely)."""
    from twitchscope.io.annotations.xml_safe import local_tag, parse_xml

    root = parse_xml(path)
    tag = local_tag(root)
    fmt = _XML_ROOTS.get(tag)
    if fmt is None:
        expected = ", ".join(f"<{k}> ({v})" for k, v in _XML_ROOTS.items())
        raise InputFileError(path, f"XML root element is <{tag}>; expected one of {expected}")
    return fmt


def check_format(format: str) -> str:
    """Return ``format`` when it is a known annotation format, else raise InputFileError."""
    if format not in FORMATS:
        raise InputFileError(
            "format", f"unknown annotation format {format!r}; use one of {FORMATS}"
        )
    return format


def _first_line(head: bytes) -> str:
    text = head.decode("utf-8", errors="replace").lstrip("\ufeff")
    for line in text.splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            return line
    return ""


def _split_any(line: str) -> list[str]:
    for sep in ("\t", ";", ","):
        if sep in line:
            return line.split(sep)
    return [line]
