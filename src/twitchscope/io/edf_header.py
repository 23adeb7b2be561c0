"""Parse and validate the header of an EDF, EDF+ or BDF/BDF+ file.

The header is read and checked field by field before anything is allocated from it, so a hostile
header (a billion records, a million signals, absurd sample counts) gives an
:class:`~twitchscope.errors.InputFileError` naming the file and the field instead of a hang or an
out-of-memory crash.

Decisions (documented here because they change what a user sees)
-----------------------------------------------------------------
* A file **shorter** than its header says (truncated) is read up to its last complete data record,
  with a warning; a file shorter than one data record is an error.
* A file **longer** than its header says is read as the header says, with a warning.
* ``number of data records = -1`` is accepted only when the count can be derived from the file
  size (at least one complete record); a trailing partial record then gives a warning.
* Problems confined to one signal (digital min >= digital max, physical min == physical max,
  0 samples per record) are warnings at open time and a :class:`ChannelError` when that channel is
  loaded, so one broken auxiliary channel does not make a whole night unreadable.
* Non-ASCII bytes in text fields (labels, units, patient) give a warning and are decoded (UTF-8 if
  valid, else Latin-1, so a ``µV`` written by a non-conforming writer is understood). Numeric fields
  must be plain ASCII numbers.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from datetime import date, datetime, time
from os import PathLike
from pathlib import Path
from typing import BinaryIO, Final

from twitchscope.errors import InputFileError

FIXED_HEADER_BYTES: Final = 256
SIGNAL_HEADER_BYTES: Final = 256
ANNOTATION_LABELS: Final = frozenset({"EDF Annotations", "BDF Annotations"})
EDF_VERSION: Final = b"0       "
BDF_VERSION: Final = b"\xffBIOSEMI"
# Refuse a header whose numbers are beyond anything a recording device produces.
MAX_SIGNALS: Final = 4096
MAX_RECORD_DURATION_S: Final = 86_400.0
#: Largest |physical minimum| / |physical maximum| accepted for a signal (in its own unit): far
#: beyond any recording device, and small enough that samples converted to µV stay finite in
#: float32 (max 3.4e38) with room for the squares of signal processing.
MAX_PHYSICAL_ABS: Final = 1e12

_FIXED_FIELDS: Final = (
    ("version", 8),
    ("patient", 80),
    ("recording", 80),
    ("startdate", 8),
    ("starttime", 8),
    ("header_bytes", 8),
    ("reserved", 44),
    ("n_records", 8),
    ("record_duration", 8),
    ("n_signals", 4),
)
_SIGNAL_FIELDS: Final = (
    ("label", 16),
    ("transducer", 80),
    ("physical_dimension", 8),
    ("physical_min", 8),
    ("physical_max", 8),
    ("digital_min", 8),
    ("digital_max", 8),
    ("prefilter", 80),
    ("samples_per_record", 8),
    ("reserved", 32),
)
_INT_RE: Final = re.compile(r"[+-]?\d+")
_FLOAT_RE: Final = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
_MONTHS: Final = (
    "JAN",
    "FEB",
    "MAR",
    "APR",
    "MAY",
    "JUN",
    "JUL",
    "AUG",
    "SEP",
    "OCT",
    "NOV",
    "DEC",
)
_STARTDATE_RE: Final = re.compile(r"Startdate (\d{2})-([A-Z]{3})-(\d{4})\b")


@dataclass(frozen=True)
class SignalHeader:
    """The header of one signal, as written in the file (physical values in the file's unit)."""

    index: int
    label: str
    transducer: str
    physical_dimension: str
    physical_min: float
    physical_max: float
    digital_min: int
    digital_max: int
    prefilter: str
    samples_per_record: int
    offset_in_record: int  # in samples from the start of a data record
    problem: str = ""  # non-empty when the signal cannot be decoded (why)

    @property
    def is_annotation(self) -> bool:
        """Whether this is an ``EDF Annotations`` / ``BDF Annotations`` signal."""
        return self.label in ANNOTATION_LABELS


@dataclass(frozen=True)
class EdfHeader:
    """The validated header of an EDF/EDF+/BDF/BDF+ file.

    ``n_records`` is the number of complete data records that will be read (after any correction
    for a truncated file or a ``-1`` count); ``record_duration`` is in seconds.
    """

    path: Path
    format: str  # "EDF", "EDF+C", "EDF+D", "BDF", "BDF+C", "BDF+D"
    patient: str
    recording: str
    start: datetime
    header_bytes: int
    n_records: int
    record_duration: float
    signals: tuple[SignalHeader, ...]
    bytes_per_sample: int
    samples_per_record: int  # all signals together
    warnings: list[str] = field(default_factory=list)

    @property
    def record_bytes(self) -> int:
        """Size of one data record in bytes."""
        return self.samples_per_record * self.bytes_per_sample

    @property
    def is_plus(self) -> bool:
        """Whether the file is EDF+ or BDF+ (has TAL annotations and record onsets)."""
        return "+" in self.format

    @property
    def is_discontinuous(self) -> bool:
        """Whether the file is EDF+D / BDF+D."""
        return self.format.endswith("+D")


def _decode_text(raw: bytes, name: str, warnings: list[str]) -> str:
    """Decode a text field; warn (naming the field) when it holds non-printable-ASCII bytes."""
    if all(32 <= b <= 126 for b in raw):
        return raw.decode("ascii").strip()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        text = raw.decode("latin-1")
    text = "".join(ch if ch.isprintable() else " " for ch in text).strip()
    warnings.append(f"header field {name} holds non-ASCII bytes (read as {text!r})")
    return text


def _ascii_field(path: Path, raw: bytes, name: str) -> str:
    """A numeric field: must be printable ASCII."""
    if not all(32 <= b <= 126 for b in raw):
        raise InputFileError(path, f"header field {name} holds non-ASCII bytes: {raw!r}")
    return raw.decode("ascii").strip()


def _parse_int(path: Path, raw: bytes, name: str) -> int:
    text = _ascii_field(path, raw, name)
    if _INT_RE.fullmatch(text):
        return int(text)
    if _FLOAT_RE.fullmatch(text) and float(text).is_integer():
        return int(float(text))
    raise InputFileError(path, f"header field {name} is not an integer: {text!r}")


def _parse_float(path: Path, raw: bytes, name: str) -> float:
    text = _ascii_field(path, raw, name)
    if not _FLOAT_RE.fullmatch(text):
        raise InputFileError(path, f"header field {name} is not a number: {text!r}")
    value = float(text)
    if value != value or value in (float("inf"), float("-inf")):
        raise InputFileError(path, f"header field {name} is not a finite number: {text!r}")
    return value


def _split(raw: bytes, widths: tuple[tuple[str, int], ...]) -> dict[str, bytes]:
    out: dict[str, bytes] = {}
    pos = 0
    for name, width in widths:
        out[name] = raw[pos : pos + width]
        pos += width
    return out


def _parse_start(
    path: Path, startdate: bytes, starttime: bytes, recording: str, plus: bool, warnings: list[str]
) -> datetime:
    """Start date-time; EDF+ ``Startdate dd-MMM-yyyy`` wins (it carries the 4-digit year)."""
    d_text = _ascii_field(path, startdate, "startdate")
    t_text = _ascii_field(path, starttime, "starttime")
    t_match = re.fullmatch(r"(\d{2})[.:](\d{2})[.:](\d{2})", t_text)
    if not t_match:
        raise InputFileError(path, f"header field starttime is not hh.mm.ss: {t_text!r}")
    hh, mm, ss = (int(g) for g in t_match.groups())
    if hh > 23 or mm > 59 or ss > 59:
        raise InputFileError(path, f"header field starttime is not a valid time: {t_text!r}")
    header_date: date | None = None
    d_match = re.fullmatch(r"(\d{2})[.:/-](\d{2})[.:/-](\d{2}|yy)", d_text)
    if not d_match:
        raise InputFileError(path, f"header field startdate is not dd.mm.yy: {d_text!r}")
    day, month, yy = d_match.groups()
    if yy != "yy":
        # The EDF clipping rule: 85-99 are 1985-1999, 00-84 are 2000-2084.
        year = 1900 + int(yy) if int(yy) >= 85 else 2000 + int(yy)
        try:
            header_date = date(year, int(month), int(day))
        except ValueError:
            raise InputFileError(
                path, f"header field startdate is not a valid date: {d_text!r}"
            ) from None
    plus_date: date | None = None
    if plus:
        s_match = _STARTDATE_RE.match(recording)
        if s_match and s_match.group(2) in _MONTHS:
            try:
                plus_date = date(
                    int(s_match.group(3)),
                    _MONTHS.index(s_match.group(2)) + 1,
                    int(s_match.group(1)),
                )
            except ValueError:
                warnings.append(f"EDF+ recording field has an invalid Startdate: {recording!r}")
    if plus_date is not None:
        if header_date is not None and (header_date.day, header_date.month) != (
            plus_date.day,
            plus_date.month,
        ):
            warnings.append(
                f"startdate {d_text!r} disagrees with the EDF+ Startdate {plus_date.isoformat()}; "
                "using the EDF+ Startdate"
            )
        return datetime.combine(plus_date, time(hh, mm, ss))
    if header_date is None:
        raise InputFileError(
            path,
            "startdate year is 'yy' (after 2084) but the recording field has no "
            "valid EDF+ 'Startdate dd-MMM-yyyy'",
        )
    return datetime.combine(header_date, time(hh, mm, ss))


def _parse_format(
    path: Path, version: bytes, reserved: str, warnings: list[str]
) -> tuple[str, int]:
    """Return (format, bytes per sample) from the version and reserved fields."""
    if version == BDF_VERSION:
        kind, width = "BDF", 3
    elif version == EDF_VERSION or version.strip() == b"0":
        kind, width = "EDF", 2
    else:
        raise InputFileError(
            path,
            f"not an EDF or BDF file (version field {version!r}, expected '0' for EDF "
            "or 0xFF'BIOSEMI' for BDF)",
        )
    if reserved.startswith(("EDF+", "BDF+")):
        if reserved[3:5] not in ("+C", "+D"):
            raise InputFileError(
                path,
                f"reserved field {reserved[:5]!r} does not fit a {kind} file (expected "
                f"{kind}+C or {kind}+D)",
            )
        fmt = f"{kind}{reserved[3:5]}"
        if reserved[:3] != kind:
            # Some writers put 'EDF+C' in BDF files (BDF+ is EDF+ with 24-bit samples). The
            # version field fixes the sample width, so the layout is unambiguous.
            warnings.append(
                f"reserved field says {reserved[:5]!r} but the version field says {kind} "
                f"({width}-byte samples); read as {fmt}"
            )
        return fmt, width
    if kind == "BDF" and reserved and not reserved.startswith("24BIT"):
        warnings.append(
            f"BDF reserved field is {reserved[:8]!r}; expected '24BIT', 'BDF+C' or 'BDF+D' "
            "(read as plain BDF)"
        )
    return kind, width


def read_header(path: str | PathLike[str]) -> EdfHeader:
    """Read and validate the header of an EDF/EDF+/BDF/BDF+ file.

    Parameters
    ----------
    path : path-like
        The recording.

    Returns
    -------
    EdfHeader
        The validated header with ``warnings`` for tolerated problems.

    Raises
    ------
    InputFileError
        When the file is missing, empty, not EDF/BDF, truncated before its first data record or
        has a header that cannot be trusted; the message names the file and the field.
    """
    p = Path(path)
    try:
        size = os.path.getsize(p)
        with open(p, "rb") as fh:
            fixed = fh.read(FIXED_HEADER_BYTES)
            if not p.is_file():
                raise InputFileError(p, "not a regular file")
            return _parse(p, fh, fixed, size)
    except FileNotFoundError:
        raise InputFileError(p, "file not found") from None
    except IsADirectoryError:
        raise InputFileError(p, "is a directory, not a recording") from None
    except PermissionError:
        raise InputFileError(p, "permission denied") from None


def _parse(p: Path, fh: BinaryIO, fixed: bytes, size: int) -> EdfHeader:
    if size == 0:
        raise InputFileError(p, "file is empty")
    if len(fixed) < FIXED_HEADER_BYTES:
        raise InputFileError(
            p, f"truncated header: {len(fixed)} bytes, an EDF/BDF header has at least 256"
        )
    warnings: list[str] = []
    f = _split(fixed, _FIXED_FIELDS)
    reserved = _decode_text(f["reserved"], "reserved", warnings)
    fmt, width = _parse_format(p, f["version"], reserved, warnings)
    patient = _decode_text(f["patient"], "patient", warnings)
    recording = _decode_text(f["recording"], "recording", warnings)
    start = _parse_start(p, f["startdate"], f["starttime"], recording, "+" in fmt, warnings)
    header_bytes = _parse_int(p, f["header_bytes"], "number of header bytes")
    n_records = _parse_int(p, f["n_records"], "number of data records")
    record_duration = _parse_float(p, f["record_duration"], "duration of a data record")
    ns = _parse_int(p, f["n_signals"], "number of signals")
    if ns < 1:
        raise InputFileError(p, f"header says {ns} signals; a recording needs at least one")
    if ns > MAX_SIGNALS or FIXED_HEADER_BYTES + ns * SIGNAL_HEADER_BYTES > size:
        raise InputFileError(
            p,
            f"header says {ns} signals, which needs {256 * (ns + 1)} header bytes, but the "
            f"file has only {size} bytes (truncated header or wrong signal count)",
        )
    if header_bytes != FIXED_HEADER_BYTES * (ns + 1):
        raise InputFileError(
            p,
            f"wrong signal count: header size field says {header_bytes} bytes but {ns} "
            f"signals need {256 * (ns + 1)} bytes",
        )
    raw = fh.read(ns * SIGNAL_HEADER_BYTES)
    if len(raw) < ns * SIGNAL_HEADER_BYTES:
        raise InputFileError(p, "truncated header: the signal headers are incomplete")
    columns: dict[str, list[bytes]] = {}
    pos = 0
    for name, w in _SIGNAL_FIELDS:
        columns[name] = [raw[pos + i * w : pos + (i + 1) * w] for i in range(ns)]
        pos += ns * w
    signals = _parse_signals(p, columns, ns, warnings)
    if record_duration < 0 or record_duration > MAX_RECORD_DURATION_S:
        raise InputFileError(
            p, f"duration of a data record is {record_duration} s; expected 0 < d <= 86400"
        )
    has_data_signals = any(not s.is_annotation for s in signals)
    if record_duration == 0 and has_data_signals:
        raise InputFileError(
            p,
            "zero-length data records (duration 0 s) in a file with signals; sampling rates "
            "cannot be derived",
        )
    total_spr = sum(s.samples_per_record for s in signals)
    record_bytes = total_spr * width
    if record_bytes <= 0:
        raise InputFileError(p, "data records hold no samples (all samples per record are 0)")
    data_bytes = size - header_bytes
    complete = data_bytes // record_bytes
    if complete < 1:
        raise InputFileError(
            p,
            f"file is shorter than one data record ({data_bytes} data bytes, a record has "
            f"{record_bytes}); the file is truncated or the header is wrong",
        )
    if n_records == -1:
        if data_bytes % record_bytes:
            warnings.append(
                f"number of data records is -1 and the file ends with a partial record; "
                f"read {complete} complete records"
            )
        n_records = complete
    elif n_records < -1 or n_records == 0:
        raise InputFileError(p, f"header field number of data records is {n_records}")
    elif n_records > complete:
        warnings.append(
            f"file is truncated: header says {n_records} data records but the file holds "
            f"{complete} complete records; reading those ({complete * record_duration:g} s)"
        )
        n_records = complete
    elif data_bytes > n_records * record_bytes:
        warnings.append(
            f"file is {data_bytes - n_records * record_bytes} bytes longer than its header says "
            f"({n_records} data records); the extra bytes are ignored"
        )
    if "+" in fmt and not any(s.is_annotation for s in signals):
        if fmt.endswith("+D"):
            raise InputFileError(
                p, f"{fmt} file has no '{fmt[:3]} Annotations' signal, so record onsets are unknown"
            )
        warnings.append(f"{fmt} file has no '{fmt[:3]} Annotations' signal")
    return EdfHeader(
        path=p,
        format=fmt,
        patient=patient,
        recording=recording,
        start=start,
        header_bytes=header_bytes,
        n_records=n_records,
        record_duration=record_duration,
        signals=tuple(signals),
        bytes_per_sample=width,
        samples_per_record=total_spr,
        warnings=warnings,
    )


def _parse_signals(
    p: Path, columns: dict[str, list[bytes]], ns: int, warnings: list[str]
) -> list[SignalHeader]:
    signals: list[SignalHeader] = []
    offset = 0
    for i in range(ns):
        label = _decode_text(columns["label"][i], f"label of signal {i + 1}", warnings)
        where = f"signal {i + 1} ({label!r})"
        spr = _parse_int(p, columns["samples_per_record"][i], f"samples per record of {where}")
        if spr < 0:
            raise InputFileError(p, f"{where} has {spr} samples per data record")
        pmin = _parse_float(p, columns["physical_min"][i], f"physical minimum of {where}")
        pmax = _parse_float(p, columns["physical_max"][i], f"physical maximum of {where}")
        dmin = _parse_int(p, columns["digital_min"][i], f"digital minimum of {where}")
        dmax = _parse_int(p, columns["digital_max"][i], f"digital maximum of {where}")
        problems = []
        if spr == 0:
            problems.append("0 samples per data record")
        if dmin >= dmax:
            problems.append(f"digital minimum {dmin} >= digital maximum {dmax}")
        if pmin == pmax:
            problems.append(f"physical minimum equals physical maximum ({pmin:g})")
        if max(abs(pmin), abs(pmax)) > MAX_PHYSICAL_ABS:
            problems.append(
                f"physical range {pmin:g}..{pmax:g} is beyond any recording device "
                f"(|value| > {MAX_PHYSICAL_ABS:g}); the header is corrupt"
            )
        problem = "; ".join(problems)
        if problem and label not in ANNOTATION_LABELS:
            warnings.append(f"channel {label!r}: {problem}; it cannot be loaded")
        signals.append(
            SignalHeader(
                index=i,
                label=label,
                transducer=_decode_text(
                    columns["transducer"][i], f"transducer of {where}", warnings
                ),
                physical_dimension=_decode_text(
                    columns["physical_dimension"][i], f"physical dimension of {where}", warnings
                ),
                physical_min=pmin,
                physical_max=pmax,
                digital_min=dmin,
                digital_max=dmax,
                prefilter=_decode_text(columns["prefilter"][i], f"prefilter of {where}", warnings),
                samples_per_record=spr,
                offset_in_record=offset,
                problem=problem,
            )
        )
        offset += spr
    return signals
