"""Annotation records holding only a time-keeping TAL are passed over without changing what is
parsed: random records (well-formed, with texts, and corrupted) give the same TALs both ways."""

from __future__ import annotations

import numpy as np

from twitchscope.io.edf_tal import parse_tals, text_records

ALPHABET = np.frombuffer(b"+-0123456789.\x14\x15\x00ab ", np.uint8)


def _record(rng: np.random.Generator, r: int, width: int) -> bytes:
    kind = int(rng.integers(0, 4))
    if kind == 0:
        raw = f"+{r}\x14\x14".encode()  # time-keeping only
    elif kind == 1:
        raw = f"+{r}\x14\x14+{r}.5\x151\x14Leg movement\x14\x00".encode()
    elif kind == 2:
        raw = f"+{r}\x14\x14Sleep stage W\x14".encode()  # text in the time-keeping TAL
    else:
        raw = bytes(rng.choice(ALPHABET, int(rng.integers(0, width + 3))))
    raw = raw[:width].ljust(width, b"\x00")
    if rng.random() < 0.2:  # one corrupted byte
        buf = bytearray(raw)
        buf[int(rng.integers(0, width))] = int(rng.choice(ALPHABET))
        raw = bytes(buf)
    return raw


def test_passing_over_bare_records_changes_nothing() -> None:
    rng = np.random.default_rng(12)
    skipped = 0
    for _ in range(3000):
        width = int(rng.integers(1, 40))
        recs = [_record(rng, r, width) for r in range(int(rng.integers(1, 12)))]
        block = np.frombuffer(b"".join(recs), np.uint8).reshape(len(recs), width)
        keep = text_records(block)
        skipped += int((~keep).sum())
        assert parse_tals(block[keep].tobytes(), timekeeping=False) == parse_tals(
            block.tobytes(), timekeeping=False
        )
    assert skipped > 1000  # the bare records really were passed over


def test_bare_time_keeping_records_are_passed_over() -> None:
    recs = [b"+0\x14\x14", b"+1\x14\x14+1.5\x14Leg\x14", b"+2\x14\x14", b"+3\x151\x14\x14"]
    block = np.frombuffer(b"".join(r.ljust(24, b"\x00") for r in recs), np.uint8).reshape(4, 24)
    assert text_records(block).tolist() == [False, True, False, False]
    full = block.copy()
    full[1, :] = ord("1")  # no NUL at its end: the bare record after it is kept
    assert text_records(full).tolist() == [False, True, True, False]
