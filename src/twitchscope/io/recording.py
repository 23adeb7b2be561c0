"""Open an EDF/EDF+/BDF/BDF+ recording and load only the channels asked for.

:func:`open_recording` reads and validates the header (:mod:`twitchscope.io.edf_header`) and maps
the data area with :class:`numpy.memmap`, viewed as ``(n_records, samples_per_record)``. Loading a
channel decodes only that channel's columns, a block of records at a time; the mapped pages of each
block are released after use (``madvise(MADV_DONTNEED)``), so peak memory is the decoded channels
plus one block, not the file. BDF's 24-bit little-endian samples are assembled from their three
byte columns with vectorised numpy.

Times are seconds from the header's start date-time. EDF+D (discontinuous) records are placed on a
continuous time axis from their onsets (first TAL of each record), with NaN in the gaps.
"""

from __future__ import annotations

import functools
import itertools
import mmap
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from os import PathLike
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Final, Protocol

import numpy as np
import numpy.typing as npt

from twitchscope.errors import ChannelError, InputFileError, ValidationError
from twitchscope.io.channels import (
    ROLES,
    assign_roles,
    find_role,
    pick_leg_channels,
    resolve_channel,
    signal_number,
)
from twitchscope.io.edf_header import EdfHeader, SignalHeader, read_header
from twitchscope.io.edf_tal import parse_tals, record_onset, text_records
from twitchscope.io.units import parse_unit, range_warning
from twitchscope.signal import Signal

if TYPE_CHECKING:
    import pandas as pd


class SampleReducer(Protocol):
    """Takes a channel's samples block by block instead of keeping them (see
    :meth:`Recording.load_many`): ``feed`` gets consecutive samples starting at sample
    ``first`` of the channel, in physical units, float32; blocks may come in any order and
    from several threads at once (never overlapping). The array is reused after the call."""

    def feed(self, first: int, samples: npt.NDArray[np.float32]) -> None: ...


#: Bytes of the file decoded per block (bounds the transient memory of a load).
BLOCK_BYTES: Final = 8 * 1024 * 1024
#: An EDF+D file whose record onsets span more than this many times the recorded time (plus a
#: day) is refused: filling such gaps with NaN would allocate absurd memory.
MAX_GAP_FACTOR: Final = 10.0
#: Latest first-record onset (s) an EDF+ time-keeping annotation may give (about 116 days, as
#: for annotation times); beyond it, float precision would even erase the recording's length.
MAX_RECORD_ONSET_S: Final = 1e7


@dataclass(frozen=True)
class ChannelInfo:
    """A signal channel of a recording (header facts; no samples).

    ``index`` is the signal's position in the file header (0-based); ``unit`` and the physical
    range are after conversion (``"uV"`` for voltages); ``source_unit`` is the header's text;
    ``n_samples`` is the number of recorded samples (without EDF+D gaps); ``fs`` is in Hz.
    """

    index: int
    label: str
    role: str
    unit: str
    fs: float
    n_samples: int
    physical_min: float
    physical_max: float
    digital_min: int
    digital_max: int
    transducer: str
    prefilter: str
    source_unit: str = ""
    samples_per_record: int = 0


class Recording:
    """An open EDF/EDF+/BDF/BDF+ recording. Use :func:`open_recording`; a context manager.

    Attributes
    ----------
    path : Path
    format : str
        ``"EDF"``, ``"EDF+C"``, ``"EDF+D"``, ``"BDF"``, ``"BDF+C"`` or ``"BDF+D"``.
    start : datetime
        Recording start from the header (naive local time as written).
    duration : float
        Seconds from the start of the first data record to the end of the last.
    channels : tuple of ChannelInfo
        Signal channels only (no annotation signal).
    warnings : list of str
        Problems tolerated in the header, units and loaded channels, each naming the channel.
    """

    def __init__(self, header: EdfHeader, channels: Mapping[str, str] | None = None) -> None:
        self._header = header
        self.path: Path = header.path
        self.format: str = header.format
        self.start: datetime = header.start
        self.warnings: list[str] = list(header.warnings)
        width = header.bytes_per_sample
        dtype = np.dtype("<i2") if width == 2 else np.dtype(np.uint8)
        cols = header.samples_per_record if width == 2 else header.record_bytes
        try:
            self._data: np.memmap | None = np.memmap(
                self.path,
                dtype=dtype,
                mode="r",
                offset=header.header_bytes,
                shape=(header.n_records, cols),
            )
        except (OSError, ValueError) as exc:
            raise InputFileError(self.path, f"cannot map the data records: {exc}") from None
        self._signals = tuple(s for s in header.signals if not s.is_annotation)
        self._annotation_signals = tuple(s for s in header.signals if s.is_annotation)
        self.channels: tuple[ChannelInfo, ...] = self._make_channels(channels or {})
        self._onsets = self._record_onsets()
        #: Bytes of each annotation signal (records x bytes), kept from the first full pass
        #: over the data (:meth:`load_many`) so :meth:`raw_annotations` needs no pass of its own.
        self._tal_bytes: dict[int, npt.NDArray[np.uint8]] = {}
        rd = header.record_duration
        self.duration: float = float(self._onsets[-1] + rd - self._onsets[0])

    # -- set-up -----------------------------------------------------------------------------
    def _make_channels(self, overrides: Mapping[str, str]) -> tuple[ChannelInfo, ...]:
        labels = [s.label for s in self._signals]
        positions: dict[str, int] = {}
        for role, label in overrides.items():
            if role not in ROLES:
                raise ValidationError(
                    "channels", f"unknown role {role!r}; roles are {', '.join(ROLES)}"
                )
            number = signal_number(label)
            if labels.count(label) != 1 and number is not None:
                positions[role] = self._position_of_number(number, label)
                continue
            if labels.count(label) != 1:
                problem = "is not in the file" if label not in labels else "appears twice"
                hint = (
                    "; choose one by its signal number, e.g. "
                    f"'#{self._signals[labels.index(label)].index + 1}'"
                    if label in labels
                    else ""
                )
                raise ChannelError(
                    self.path,
                    label,
                    f"given for role {role!r} but {problem}; labels: {', '.join(labels)}{hint}",
                )
            positions[role] = labels.index(label)
        seen: set[str] = set()
        for sig in self._signals:
            if sig.label in seen:
                same = [s for s in self._signals if s.label == sig.label]
                numbers = ", ".join(f"#{s.index + 1}" for s in same)
                self.warnings.append(
                    f"duplicate channel label {sig.label!r} (signals {numbers}); choose one by "
                    "its signal number, e.g. --left '#N'"
                )
            seen.add(sig.label)
        roles = assign_roles(labels, {})
        for role, pos in positions.items():
            roles = ["" if r == role else r for r in roles]
            roles[pos] = role
        self._factors: dict[int, float] = {}
        out = []
        hdr = self._header
        for sig, role in zip(self._signals, roles, strict=True):
            unit = parse_unit(sig.physical_dimension, role, sig.label)
            self._factors[sig.index] = unit.factor
            if unit.warning:
                self.warnings.append(unit.warning)
            if not sig.problem:
                warn = range_warning(sig.label, role, unit, sig.physical_min, sig.physical_max)
                if warn:
                    self.warnings.append(warn)
            out.append(
                ChannelInfo(
                    index=sig.index,
                    label=sig.label,
                    role=role,
                    unit=unit.unit,
                    fs=sig.samples_per_record / hdr.record_duration,
                    n_samples=sig.samples_per_record * hdr.n_records,
                    physical_min=sig.physical_min * unit.factor,
                    physical_max=sig.physical_max * unit.factor,
                    digital_min=sig.digital_min,
                    digital_max=sig.digital_max,
                    transducer=sig.transducer,
                    prefilter=sig.prefilter,
                    source_unit=sig.physical_dimension,
                    samples_per_record=sig.samples_per_record,
                )
            )
        return tuple(out)

    def _annotation_bytes(self, sig: SignalHeader, rows: slice) -> npt.NDArray[np.uint8]:
        data = self._mapped()
        w = self._header.bytes_per_sample
        raw = data.view(np.uint8)
        return np.asarray(
            raw[
                rows, sig.offset_in_record * w : (sig.offset_in_record + sig.samples_per_record) * w
            ]
        )

    def _record_onsets(self) -> npt.NDArray[np.float64]:
        hdr = self._header
        n = hdr.n_records
        regular = np.arange(n, dtype=np.float64) * hdr.record_duration
        if not hdr.is_plus or not self._annotation_signals:
            return regular
        tal = self._annotation_signals[0]
        if not hdr.is_discontinuous:
            try:
                first = record_onset(self._annotation_bytes(tal, slice(0, 1))[0].tobytes())
            except ValueError:
                self.warnings.append(
                    "the first data record has no time-keeping annotation (TAL); assuming it "
                    "starts at 0 s"
                )
                first = 0.0
            if not abs(first) <= MAX_RECORD_ONSET_S:
                raise InputFileError(
                    self.path,
                    f"the time-keeping annotation (TAL) of data record 1 says it starts at "
                    f"{first:g} s, beyond any recording (more than {MAX_RECORD_ONSET_S:g} s)",
                )
            return regular + first
        onsets = np.empty(n, dtype=np.float64)
        for r0, r1 in self._blocks():
            block = self._annotation_bytes(tal, slice(r0, r1))
            for i in range(r1 - r0):
                onsets[r0 + i] = self._onset_of(block[i].tobytes(), r0 + i)
            self._release(r0, r1)
        steps = np.diff(onsets)
        bad = np.flatnonzero(steps < hdr.record_duration - 1e-6)
        if bad.size:
            i = int(bad[0])
            raise InputFileError(
                self.path,
                f"EDF+D data record {i + 2} starts at {onsets[i + 1]:g} s, before "
                f"the end of record {i + 1} ({onsets[i] + hdr.record_duration:g} s)",
            )
        recorded = n * hdr.record_duration
        span = onsets[-1] + hdr.record_duration - onsets[0]
        if span > MAX_GAP_FACTOR * recorded + 86_400.0:
            raise InputFileError(
                self.path,
                f"EDF+D record onsets span {span:g} s but only {recorded:g} s are "
                "recorded; refusing gaps that large",
            )
        return onsets

    def _onset_of(self, raw: bytes, record: int) -> float:
        try:
            return record_onset(raw)
        except ValueError:
            raise InputFileError(
                self.path,
                f"data record {record + 1} does not start with a time-keeping "
                "annotation (TAL), required in EDF+/BDF+",
            ) from None

    # -- block iteration ----------------------------------------------------------------------
    def _mapped(self) -> np.memmap:
        if self._data is None:
            raise InputFileError(self.path, "recording is closed")
        return self._data

    def _blocks(self) -> Iterator[tuple[int, int]]:
        rows = max(1, BLOCK_BYTES // self._header.record_bytes)
        n = self._header.n_records
        for r0 in range(0, n, rows):
            yield r0, min(n, r0 + rows)

    def _release(self, r0: int, r1: int) -> None:
        """Drop the mapped pages of records r0..r1 from this process (the page cache keeps them)."""
        mm = getattr(self._data, "_mmap", None)
        if not isinstance(mm, mmap.mmap) or not hasattr(mmap, "MADV_DONTNEED"):
            return
        rb = self._header.record_bytes
        base = self._header.header_bytes % mmap.ALLOCATIONGRANULARITY
        lo = (base + r0 * rb) // mmap.PAGESIZE * mmap.PAGESIZE
        hi = base + r1 * rb
        try:
            mm.madvise(mmap.MADV_DONTNEED, lo, hi - lo)
        except (OSError, ValueError):
            return

    # -- public API -------------------------------------------------------------------------
    def roles(self) -> dict[str, list[str]]:
        """Roles found, each with the labels that have it (only roles that were found)."""
        out: dict[str, list[str]] = {}
        for ch in self.channels:
            if ch.role:
                out.setdefault(ch.role, []).append(ch.label)
        return {r: out[r] for r in ROLES if r in out}

    def find(self, role: str) -> ChannelInfo:
        """The one channel with ``role`` (see :func:`twitchscope.io.channels.find_role`).

        Raises
        ------
        ChannelError
            When the role is unknown, no channel has it, or several do (naming them).
        """
        return find_role(self.channels, role, self.path)

    def _position_of_number(self, number: int, name: str) -> int:
        """Position among the signal channels of header signal ``number`` (1-based)."""
        for pos, sig in enumerate(self._signals):
            if sig.index + 1 == number:
                return pos
        if any(s.index + 1 == number for s in self._annotation_signals):
            raise ChannelError(self.path, name, f"signal #{number} is the annotation signal")
        total = len(self._header.signals)
        raise ChannelError(
            self.path, name, f"no signal #{number}; the file has signals #1 to #{total}"
        )

    def _resolve(self, name: str) -> ChannelInfo:
        return resolve_channel(self.channels, name, self.path)

    def load(self, name: str) -> Signal:
        """Decode one channel (by label, role or signal number ``"#N"``) to a :class:`Signal`.

        Returns
        -------
        Signal
            float32 samples in µV for voltages (the header unit otherwise), NaN in EDF+D gaps;
            ``start`` is the onset of the first record in seconds.
        """
        return self.load_many([name])[name]

    def load_many(
        self,
        names: Sequence[str],
        *,
        threads: int | None = None,
        reducers: Mapping[str, SampleReducer] | None = None,
    ) -> dict[str, Signal]:
        """Decode several channels (labels or roles) in one pass over the file.

        Only these channels' columns are decoded. Returns a dict keyed by the names given.
        The blocks of records are shared among ``threads`` threads (default
        :func:`twitchscope._threads.thread_count`); each thread decodes and releases its own
        blocks, so no mapped page is read twice.

        ``reducers`` maps more channels to :class:`SampleReducer` objects that take their
        samples block by block in the same pass; those channels are never held whole (nor
        returned). Only for continuous recordings (see :attr:`is_continuous`).
        """

        data = self._mapped()
        reducers = dict(reducers or {})
        if reducers and not self.is_continuous:
            raise ValidationError("reducers", f"{self.path}: only for continuous recordings")
        infos = [self._resolve(n) for n in names]
        fed = {self._resolve(n).index: r for n, r in reducers.items()}
        unique = {c.index: c for c in infos}
        sigs = {s.index: s for s in self._signals}
        for idx in (*unique, *fed):
            if sigs[idx].problem:
                raise ChannelError(self.path, sigs[idx].label, sigs[idx].problem)
        return self._decode(names, infos, unique, data, threads, fed)

    @property
    def is_continuous(self) -> bool:
        """Whether the records follow each other without gaps (not EDF+D/BDF+D)."""
        return not self._header.is_discontinuous

    @property
    def signal_start(self) -> float:
        """Time (s) of the first data record, the ``start`` of every loaded :class:`Signal`."""
        return float(self._onsets[0])

    def check_loadable(self, name: str) -> ChannelInfo:
        """The channel ``name`` (label, role or ``"#N"``), or the error :meth:`load` would raise.

        Raises
        ------
        ChannelError
            When the channel is not in the file, is ambiguous, or its header is unusable.
        """
        ch = self._resolve(name)
        problem = next(s.problem for s in self._signals if s.index == ch.index)
        if problem:
            raise ChannelError(self.path, ch.label, problem)
        return ch

    def _decode(
        self,
        names: Sequence[str],
        infos: list[ChannelInfo],
        unique: dict[int, ChannelInfo],
        data: np.memmap,
        threads: int | None,
        fed: Mapping[int, SampleReducer],
    ) -> dict[str, Signal]:
        """The decoding pass of :meth:`load_many` (channels checked)."""
        from twitchscope._threads import run_all, thread_count

        sigs = {s.index: s for s in self._signals}
        hdr = self._header
        n = hdr.n_records
        outs: dict[int, npt.NDArray[np.float32]] = {}
        starts: dict[int, npt.NDArray[np.int64]] = {}
        ramps: dict[int, npt.NDArray[np.int64]] = {}
        for idx, ch in unique.items():
            spr = ch.samples_per_record
            if hdr.is_discontinuous:
                pos = np.rint((self._onsets - self._onsets[0]) * (spr / hdr.record_duration))
                starts[idx] = pos.astype(np.int64)
                ramps[idx] = np.arange(spr, dtype=np.int64)
                total = int(starts[idx][-1]) + spr
                outs[idx] = np.full(total, np.nan, dtype=np.float32)
            else:
                outs[idx] = np.empty(n * spr, dtype=np.float32)
        block_rows = max(1, BLOCK_BYTES // hdr.record_bytes)
        # the annotation signals' bytes are copied on the way (small: a few % of a record)
        tal_keep = (
            {}
            if self._tal_bytes
            else {
                sig.index: np.empty((n, sig.samples_per_record * hdr.bytes_per_sample), np.uint8)
                for sig in self._annotation_signals
            }
        )

        def decode(blocks: list[tuple[int, int]]) -> None:
            scratch: dict[int, npt.NDArray[np.uint8]] = {}
            if hdr.bytes_per_sample == 3:
                # 24-bit samples go to bytes 1..3 of little-endian int32 words whose byte 0
                # stays 0: each word is then the sign-extended sample times 256. Reused for
                # every block (one per thread).
                for idx in (*unique, *fed):
                    shape = (min(n, block_rows), sigs[idx].samples_per_record, 4)
                    scratch[idx] = np.zeros(shape, np.uint8)
            # a fed channel's block is decoded here and handed over (one buffer per thread)
            fed_block = {
                idx: np.empty((min(n, block_rows), sigs[idx].samples_per_record), np.float32)
                for idx in fed
            }
            for r0, r1 in blocks:
                for idx, reducer in fed.items():
                    spr = sigs[idx].samples_per_record
                    part = fed_block[idx][: r1 - r0]
                    self._decode_into(data, sigs[idx], r0, r1, part, scratch.get(idx))
                    reducer.feed(r0 * spr, part.reshape(-1))
                for idx in unique:
                    sig = sigs[idx]
                    spr = sig.samples_per_record
                    if hdr.is_discontinuous:
                        dest = np.empty((r1 - r0, spr), dtype=np.float32)
                    else:
                        dest = outs[idx].reshape(n, spr)[r0:r1]
                    self._decode_into(data, sig, r0, r1, dest, scratch.get(idx))
                    if hdr.is_discontinuous:
                        # records never overlap (checked when the file is opened): the threads
                        # write disjoint samples
                        outs[idx][starts[idx][r0:r1, None] + ramps[idx]] = dest
                for tal in self._annotation_signals:
                    if tal.index in tal_keep:
                        tal_keep[tal.index][r0:r1] = self._annotation_bytes(tal, slice(r0, r1))
                self._release(r0, r1)

        blocks = list(self._blocks())
        k = max(1, min(thread_count() if threads is None else threads, len(blocks)))
        # contiguous runs of blocks, one per thread: each thread streams through its part
        bounds = [len(blocks) * i // k for i in range(k + 1)]
        parts = [blocks[a:b] for a, b in itertools.pairwise(bounds)]
        run_all([functools.partial(decode, part) for part in parts], threads=k)
        self._tal_bytes.update(tal_keep)
        result: dict[str, Signal] = {}
        for name, ch in zip(names, infos, strict=True):
            result[name] = Signal(
                label=ch.label,
                data=outs[ch.index],
                fs=ch.fs,
                role=ch.role,
                unit=ch.unit,
                source_unit=ch.source_unit,
                start=self.signal_start,
                source=str(self.path),
            )
        return result

    def _decode_into(
        self,
        data: np.memmap,
        sig: SignalHeader,
        r0: int,
        r1: int,
        dest: npt.NDArray[np.float32],
        word: npt.NDArray[np.uint8] | None,
    ) -> None:
        """Decode records r0..r1 of one signal into ``dest`` (physical units, converted)."""
        off, spr = sig.offset_in_record, sig.samples_per_record
        gain = (sig.physical_max - sig.physical_min) / (sig.digital_max - sig.digital_min)
        offset = sig.physical_min - sig.digital_min * gain
        factor = self._factors[sig.index]
        gain, offset = gain * factor, offset * factor
        if word is None:
            np.multiply(data[r0:r1, off : off + spr], np.float32(gain), out=dest)
        else:
            rows = r1 - r0
            word[:rows, :, 1:] = data[r0:r1, 3 * off : 3 * (off + spr)].reshape(rows, spr, 3)
            ints = word[:rows].view("<i4")[..., 0]  # sample * 256, exact in float32
            np.multiply(ints, np.float32(gain / 256.0), out=dest, casting="unsafe")
        dest += np.float32(offset)

    def legs(self, left: str | None = None, right: str | None = None) -> tuple[Signal, Signal]:
        """Load the left and right leg EMG and check they are usable.

        Parameters
        ----------
        left, right : str, optional
            Labels (or roles) to use instead of the ``leg_left`` / ``leg_right`` roles.

        Raises
        ------
        ChannelError
            When a leg is missing, ambiguous, flat, almost entirely clipped or sampled too slowly.
        """
        from twitchscope._threads import run_all
        from twitchscope.io.quality import check_leg_signal

        pick_leg_channels(self.channels, self.path, left, right)  # the one picking code path
        names = [left or "leg_left", right or "leg_right"]
        loaded = self.load_many(names)
        # both legs checked at once; their warnings (and the left leg's error) come in leg order
        found = run_all(
            [functools.partial(check_leg_signal, loaded[name], str(self.path)) for name in names]
        )
        for warns in found:
            for warn in warns:
                if warn not in self.warnings:
                    self.warnings.append(warn)
        return loaded[names[0]], loaded[names[1]]

    def raw_annotations(self) -> pd.DataFrame:
        """EDF+/BDF+ annotations (TALs) as a table.

        Returns
        -------
        DataFrame
            Columns ``onset`` (s from the start), ``duration`` (s, 0 when absent) and
            ``description``; one row per text; empty (same columns) when there are none.
        """
        import pandas as pd

        rows: list[tuple[float, float, str]] = []
        for sig in self._annotation_signals:
            kept = self._tal_bytes.get(sig.index)
            for r0, r1 in self._blocks():
                if kept is not None:  # copied by an earlier pass over the data
                    block = kept[r0:r1]
                else:
                    block = self._annotation_bytes(sig, slice(r0, r1))
                    self._release(r0, r1)
                # TALs never span records and records are NUL-padded, so the records of a block
                # parse as one byte string: one regex pass instead of a Python call per record,
                # over the records that may hold a text (most hold only their time-keeping TAL)
                texts = block[text_records(block)]
                for tal in parse_tals(texts.tobytes(), timekeeping=False):
                    rows.extend((tal.onset, tal.duration, t) for t in tal.texts)
        df = pd.DataFrame(rows, columns=["onset", "duration", "description"])
        df = df.astype({"onset": "float64", "duration": "float64", "description": "object"})
        return df.sort_values("onset", kind="stable").reset_index(drop=True)

    def close(self) -> None:
        """Release the memory map."""
        self._data = None
        self._tal_bytes = {}

    def __enter__(self) -> Recording:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return (
            f"Recording({str(self.path)!r}, format={self.format}, {len(self.channels)} channels, "
            f"{self.duration:g} s)"
        )


def open_recording(
    path: str | PathLike[str], *, channels: Mapping[str, str] | None = None
) -> Recording:
    """Open an EDF/EDF+/BDF/BDF+ recording, reading and validating only its header.

    Parameters
    ----------
    path : path-like
        The recording file.
    channels : mapping of role -> label, optional
        Explicit channel choices (e.g. ``{"leg_left": "EMG5"}``); they override the alias table.
        ``"#N"`` names the N-th signal of the header (1-based, as ``twitchscope info`` numbers
        them), for channels whose labels are not unique.

    Returns
    -------
    Recording

    Raises
    ------
    InputFileError
        For a missing, empty, non-EDF, truncated or corrupt file (message names the file).
    ChannelError
        When a label in ``channels`` is not in the file.
    """
    return Recording(read_header(path), channels)
