"""Receiving uploads: streamed to disk, bounded and sniffed before anything is kept.

The multipart body is parsed as it arrives (``python-multipart``'s streaming parser), so the
size limit holds without buffering: a part that grows past its limit, or whose first bytes are
not what it claims to be (an EDF/BDF header for the recording; EDF+, XML or text for the
annotation files), stops the upload at once and its partial file is deleted. Files are written
under names the app chooses; the person's file name is kept for display only.
"""

from __future__ import annotations

import secrets
import shutil
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO, Final

from twitchscope.errors import ValidationError
from twitchscope.web.config import MAX_ANNOTATION_BYTES

FILE_FIELDS: Final[tuple[str, ...]] = ("recording", "hypnogram", "events")
TEXT_FIELDS: Final[tuple[str, ...]] = ("csrf_token", "rules", "stage_codes")
MAX_FIELD_BYTES: Final[int] = 1000
MAX_PARTS: Final[int] = 12
#: The headers of one part (a browser sends two short lines; more is not an upload).
MAX_HEADER_BYTES: Final[int] = 8 * 1024
SNIFF_BYTES: Final[int] = 256
EDF_MAGIC: Final[bytes] = b"0       "
BDF_MAGIC: Final[bytes] = b"\xffBIOSEMI"


class UploadError(ValidationError):
    """An upload refused; ``status`` is the HTTP code (413 too large, 422 bad content)."""

    def __init__(self, field: str, problem: str, status: int = 422) -> None:
        super().__init__(field, problem)
        self.status = status


@dataclass
class StoredFile:
    """One received file: where it is, the name the person gave it, its kind and size."""

    path: Path
    display_name: str
    kind: str
    size: int = 0


@dataclass
class Upload:
    """Everything received: files by field name and the short text fields."""

    folder: Path
    files: dict[str, StoredFile] = field(default_factory=dict)
    fields: dict[str, str] = field(default_factory=dict)

    def discard(self) -> None:
        """Delete every received file."""
        shutil.rmtree(self.folder, ignore_errors=True)


def display_name(raw: str) -> str:
    """A file name for display: no folders, no control characters, at most 200 characters."""
    name = raw.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    return name.strip()[:200] or "unnamed file"


def sniff_recording(head: bytes, name: str) -> str:
    """``edf`` or ``bdf`` from the first bytes of a recording; else :class:`UploadError`."""
    if head.startswith(EDF_MAGIC):
        return "edf"
    if head.startswith(BDF_MAGIC):
        return "bdf"
    raise UploadError(
        "recording",
        f"{name}: not an EDF or BDF recording (an EDF header starts with version '0', a BDF "
        "header with 0xFF 'BIOSEMI')",
    )


def sniff_annotation(head: bytes, name: str, field_name: str) -> str:
    """The stored suffix of an annotation file (``edf``, ``xml``, ``tsv``, ``csv``)."""
    if head.startswith((EDF_MAGIC, BDF_MAGIC)):
        return "edf"
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if text.startswith(b"<"):
        return "xml"
    if b"\x00" in head:
        raise UploadError(
            field_name,
            f"{name}: not an annotation file (expected EDF+, XML, CSV or TSV; this is binary)",
        )
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        # a multi-byte character cut at the end of the sniffed bytes is fine
        if exc.start < len(head) - 4:
            raise UploadError(
                field_name, f"{name}: not a UTF-8 text, XML or EDF+ annotation file"
            ) from None
    first = text.split(b"\n", 1)[0]
    return "tsv" if b"\t" in first else "csv"


class _Receiver:
    """Callbacks of the streaming parser; writes file parts to disk as they come."""

    def __init__(
        self,
        folder: Path,
        max_recording: int,
        before_file: Callable[[dict[str, str]], None],
    ) -> None:
        self.upload = Upload(folder)
        self.max_recording = max_recording
        self.before_file = before_file
        self.n_parts = 0
        self._header_field = b""
        self._header_value = b""
        self._headers: dict[bytes, bytes] = {}
        self._name = ""
        self._filename: str | None = None
        self._value = bytearray()
        self._head = bytearray()
        self._file: BinaryIO | None = None
        self._stored: StoredFile | None = None
        self._limit = 0
        self._header_bytes = 0

    # -- parser callbacks ---------------------------------------------------------------
    def on_part_begin(self) -> None:
        self.n_parts += 1
        if self.n_parts > MAX_PARTS:
            raise UploadError("upload", f"more than {MAX_PARTS} parts")
        self._headers = {}
        self._header_bytes = 0
        self._name, self._filename = "", None
        self._value = bytearray()
        self._head = bytearray()
        self._file, self._stored = None, None

    def _count_header(self, n: int) -> None:
        self._header_bytes += n
        if self._header_bytes > MAX_HEADER_BYTES:
            raise UploadError("upload", "the headers of a part are too long", status=413)

    def on_header_field(self, data: bytes, start: int, end: int) -> None:
        self._count_header(end - start)
        self._header_field += data[start:end]

    def on_header_value(self, data: bytes, start: int, end: int) -> None:
        self._count_header(end - start)
        self._header_value += data[start:end]

    def on_header_end(self) -> None:
        self._headers[self._header_field.lower()] = self._header_value
        self._header_field, self._header_value = b"", b""

    def on_headers_finished(self) -> None:
        from python_multipart.multipart import parse_options_header

        _, params = parse_options_header(self._headers.get(b"content-disposition", b""))
        self._name = params.get(b"name", b"").decode("utf-8", "replace")
        raw_filename = params.get(b"filename")
        self._filename = None if raw_filename is None else raw_filename.decode("utf-8", "replace")
        if self._name in FILE_FIELDS:
            if self._filename is None:
                raise UploadError(self._name, "send a file in this field")
            if self._name in self.upload.files:
                raise UploadError(self._name, "sent twice")
            self.before_file(self.upload.fields)
            self._limit = self.max_recording if self._name == "recording" else MAX_ANNOTATION_BYTES
        elif self._name in TEXT_FIELDS:
            if self._filename is not None:
                raise UploadError(self._name, "expected a text field, got a file")
        else:
            raise UploadError(
                self._name or "upload",
                "unknown field; send recording, and optionally hypnogram and events",
            )

    def on_part_data(self, data: bytes, start: int, end: int) -> None:
        chunk = data[start:end]
        if self._name in TEXT_FIELDS:
            self._value += chunk
            if len(self._value) > MAX_FIELD_BYTES:
                raise UploadError(self._name, "value too long")
            return
        if self._stored is None and len(self._head) < SNIFF_BYTES:
            self._head += chunk
            if len(self._head) >= SNIFF_BYTES:
                self._open(bytes(self._head))
            return
        self._write(chunk)

    def on_part_end(self) -> None:
        if self._name in TEXT_FIELDS:
            self.upload.fields[self._name] = self._value.decode("utf-8", "replace")
            return
        if self._stored is None:
            if not self._head:
                return  # an empty optional file input: nothing chosen
            self._open(bytes(self._head))
        if self._file is not None:
            self._file.close()
            self._file = None

    # -- files ----------------------------------------------------------------------------
    def _open(self, head: bytes) -> None:
        name = display_name(self._filename or "")
        if self._name == "recording":
            kind = sniff_recording(head, name)
        else:
            kind = sniff_annotation(head, name, self._name)
        self.upload.folder.mkdir(parents=True, exist_ok=True)
        path = self.upload.folder / f"{self._name}.{kind}"
        self._stored = StoredFile(path=path, display_name=name, kind=kind)
        self.upload.files[self._name] = self._stored
        self._file = path.open("wb")
        self._write(head)

    def _write(self, chunk: bytes) -> None:
        stored = self._stored
        if stored is None or self._file is None:
            return
        stored.size += len(chunk)
        if stored.size > self._limit:
            raise UploadError(
                self._name,
                f"{stored.display_name}: larger than the limit of {_size(self._limit)}",
                status=413,
            )
        self._file.write(chunk)

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None


def _size(n: int) -> str:
    for unit, factor in (("GiB", 1024**3), ("MiB", 1024**2), ("KiB", 1024)):
        if n >= factor:
            return f"{n / factor:.4g} {unit}"
    return f"{n} bytes"


async def receive_upload(
    request: Any,
    folder: Path,
    *,
    max_recording: int,
    before_file: Callable[[dict[str, str]], None],
) -> Upload:
    """Stream a multipart upload into ``folder`` (created), checking as it arrives.

    Parameters
    ----------
    request : starlette.requests.Request
    folder : Path
        A new folder for this upload (the app names it).
    max_recording : int
        Largest recording, bytes.
    before_file : callable
        Called with the text fields received so far before the first byte of each file is
        kept (the CSRF check of a browser form, whose token field comes first).

    Raises
    ------
    UploadError
        Not multipart, too large, a part of the wrong kind, or no recording; nothing is kept.
    """
    from python_multipart.multipart import MultipartParser, parse_options_header

    ctype, params = parse_options_header(request.headers.get("content-type", ""))
    boundary = params.get(b"boundary")
    if ctype != b"multipart/form-data" or not boundary:
        raise UploadError("recording", "send the files as multipart/form-data")
    length = request.headers.get("content-length")
    total_limit = max_recording + 2 * MAX_ANNOTATION_BYTES + 64 * 1024
    if length is not None and length.isdigit() and int(length) > total_limit:
        raise UploadError(
            "recording", f"the upload is larger than the limit of {_size(max_recording)}", 413
        )
    receiver = _Receiver(folder, max_recording, before_file)
    callbacks: Any = {
        name: getattr(receiver, name)
        for name in (
            "on_part_begin",
            "on_part_data",
            "on_part_end",
            "on_header_field",
            "on_header_value",
            "on_header_end",
            "on_headers_finished",
        )
    }
    parser = MultipartParser(boundary, callbacks)
    try:
        async for chunk in request.stream():
            parser.write(chunk)
        parser.finalize()
    except UploadError:
        receiver.close()
        receiver.upload.discard()
        raise
    except Exception as exc:  # a malformed body, or the client went away
        receiver.close()
        receiver.upload.discard()
        why = (
            "it is not well-formed multipart/form-data"
            if "Parse" in type(exc).__name__
            else (f"{type(exc).__name__}")
        )
        raise UploadError("upload", f"the upload could not be read: {why}") from None
    receiver.close()
    if "recording" not in receiver.upload.files:
        receiver.upload.discard()
        before_file(receiver.upload.fields)  # a request the app refuses is told so first
        raise UploadError("recording", "no recording was sent (an EDF or BDF file is needed)")
    return receiver.upload


def new_id() -> str:
    """A new recording id (32 hex characters; also its folder name)."""
    return secrets.token_hex(16)
