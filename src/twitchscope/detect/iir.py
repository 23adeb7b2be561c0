"""IIR filter design and filtering in numpy alone (no ``scipy.signal``), block-parallel.

Why not ``scipy.signal``: importing it loads most of scipy (``scipy.stats``, its distribution
docstrings, the array-API layer) and costs 0.4-0.7 s of CPU, more than filtering both legs of
a night. The EMG cascade (a 4th-order Butterworth band-pass and at most a few notches) is small
enough to design here, and a linear filter can be run without a loop over samples:

* the cascade of second-order sections becomes one state-space system ``(A, B, C, D)`` of
  order ``d`` (2 per section);
* the samples are cut into blocks of :data:`BLOCK` samples. Each block's output is its
  zero-state response (a matrix product with the lower-triangular Toeplitz matrix of the impulse
  response) plus the free response of the state at the block start (a product with the
  observability matrix);
* the block-start states follow ``s[k+1] = s[k] M^T + u[k]`` with ``M = A^BLOCK``, a linear
  recurrence over blocks solved the same way one level up (:func:`state_scan`), until a few
  dozen steps are left for a short loop.

Results equal ``scipy.signal.sosfilt`` up to float32 rounding (tested). Long signals are
filtered chunk by chunk with the state carried over (:meth:`StateSpaceFilter.run` returns it),
so no full-length temporary exists.
"""

from __future__ import annotations

import math
from typing import Final

import numpy as np
import numpy.typing as npt

F32 = npt.NDArray[np.float32]
F64 = npt.NDArray[np.float64]

#: Samples per block of the block-parallel filter (the Toeplitz matrix is BLOCK x BLOCK).
BLOCK: Final[int] = 32
#: Recurrences with at most this many steps are run as a plain loop.
SCAN_LOOP_MAX: Final[int] = 48


def butter_sos(order: int, edges_hz: tuple[float, ...], btype: str, fs: float) -> F64:
    """Digital Butterworth filter as second-order sections (rows ``b0 b1 b2 1 a1 a2``).

    Parameters
    ----------
    order : int
        Order of the low-pass prototype (the band-pass has twice as many poles). Even for
        ``"highpass"``.
    edges_hz : tuple of float
        ``(low, high)`` for ``"bandpass"``, ``(cutoff,)`` for ``"highpass"``, in Hz.
    btype : {"bandpass", "highpass"}
    fs : float
        Sampling rate in Hz.

    Returns
    -------
    ndarray, shape (n_sections, 6)
        The same transfer function as ``scipy.signal.butter(..., output="sos")``.
    """
    fs2 = 2.0 * fs
    warped = [fs2 * math.tan(math.pi * f / fs) for f in edges_hz]  # pre-warped, rad/s
    k = np.arange(-order + 1, order, 2)
    proto = -np.exp(1j * np.pi * k / (2 * order))  # analog low-pass prototype poles
    if btype == "bandpass":
        wo = math.sqrt(warped[0] * warped[1])
        bw = warped[1] - warped[0]
        pl = proto * bw / 2
        p = np.concatenate([pl + np.sqrt(pl**2 - wo**2), pl - np.sqrt(pl**2 - wo**2)])
        z = np.zeros(order, dtype=complex)  # plus `order` zeros at infinity
        gain = bw**order
    elif btype == "highpass":
        p = warped[0] / proto
        z = np.zeros(order, dtype=complex)
        gain = 1.0
    else:
        raise ValueError(f"unknown filter type {btype!r}")
    # bilinear transform
    zd = (fs2 + z) / (fs2 - z)
    pd_ = (fs2 + p) / (fs2 - p)
    gain = float(np.real(gain * np.prod(fs2 - z) / np.prod(fs2 - p)))
    zd = np.concatenate([zd, -np.ones(p.size - z.size)])  # zeros at infinity map to -1
    upper = pd_[np.imag(pd_) > 0]
    upper = upper[np.argsort(np.abs(upper))]
    zeros = np.sort_complex(np.real(zd).astype(complex))
    rows = []
    for i, pole in enumerate(upper):
        zz = zeros[[i, zeros.size - 1 - i]]  # one zero from each end (+1 with -1 for a band-pass)
        b = np.real(np.poly(zz))
        a = np.real(np.poly([pole, np.conj(pole)]))
        rows.append(np.concatenate([b, a]))
    sos = np.asarray(rows, dtype=np.float64)
    sos[0, :3] *= gain
    return sos


def notch_sos(f0: float, q: float, fs: float) -> F64:
    """Second-order IIR notch at ``f0`` Hz with quality ``q`` (as ``scipy.signal.iirnotch``)."""
    w0 = 2.0 * math.pi * f0 / fs
    beta = math.tan(w0 / q / 2.0)
    g = 1.0 / (1.0 + beta)
    c = math.cos(w0)
    return np.array([[g, -2.0 * g * c, g, 1.0, -2.0 * g * c, 2.0 * g - 1.0]])


def sos_to_ss(sos: F64) -> tuple[F64, F64, F64, float]:
    """State-space ``(A, B, C, D)`` of a cascade of second-order sections (float64)."""
    a_m = np.zeros((0, 0))
    b_v = np.zeros(0)
    c_v = np.zeros(0)
    d = 1.0
    for b0, b1, b2, a0, a1, a2 in np.asarray(sos, dtype=np.float64):
        b0, b1, b2, a1, a2 = b0 / a0, b1 / a0, b2 / a0, a1 / a0, a2 / a0
        # transposed direct form II of one section
        a_s = np.array([[-a1, 1.0], [-a2, 0.0]])
        b_s = np.array([b1 - a1 * b0, b2 - a2 * b0])
        c_s = np.array([1.0, 0.0])
        n = a_m.shape[0]
        new_a = np.zeros((n + 2, n + 2))
        new_a[:n, :n] = a_m
        new_a[n:, :n] = np.outer(b_s, c_v)
        new_a[n:, n:] = a_s
        a_m = new_a
        b_v = np.concatenate([b_v, b_s * d])
        c_v = np.concatenate([b0 * c_v, c_s])
        d = b0 * d
    return a_m, b_v, c_v, float(d)


def steady_state(sos: F64) -> F64:
    """State of the cascade's state-space form after a long run of constant input 1."""
    a_m, b_v, _, _ = sos_to_ss(sos)
    return np.asarray(np.linalg.solve(np.eye(a_m.shape[0]) - a_m, b_v), dtype=np.float64)


class _ScanLevel:
    """Operators of one level of :func:`state_scan` for the step matrix ``m`` (d x d)."""

    def __init__(self, m: F64) -> None:
        lb, d = BLOCK, m.shape[0]
        powers = np.empty((lb + 1, d, d))
        powers[0] = np.eye(d)
        for j in range(1, lb + 1):
            powers[j] = m @ powers[j - 1]
        lag = np.arange(lb)[None, :] - np.arange(lb)[:, None] - 1  # [i, j] = j - 1 - i
        blocks = np.where(
            (lag >= 0)[:, :, None, None], powers[np.clip(lag, 0, lb)].transpose(0, 1, 3, 2), 0.0
        )  # [i, j] = (m^(j-1-i))^T for i < j
        #: (lb*d, lb*d): states inside a block from a zero start
        self.local = blocks.transpose(0, 2, 1, 3).reshape(lb * d, lb * d)
        #: (lb*d, d): the block's inputs' share of the next block's start state
        self.ends = powers[lb - 1 :: -1].transpose(0, 2, 1).reshape(lb * d, d)
        #: (d, lb*d): free evolution of a block's start state
        self.free = powers[:lb].transpose(2, 0, 1).reshape(d, lb * d)
        self.m = m
        self.m_block = powers[lb]
        self._next: _ScanLevel | None = None

    @property
    def next(self) -> _ScanLevel:
        """The level above (step matrix ``m ** BLOCK``), built once."""
        if self._next is None:
            self._next = _ScanLevel(self.m_block)
        return self._next


def state_scan(u: F64, level: _ScanLevel, s0: F64) -> F64:
    """States ``s[k]`` (k = 0..n-1) of ``s[k+1] = s[k] @ m.T + u[k]`` from ``s[0] = s0``.

    ``m`` is ``level.m``. Solved block-parallel (blocks of :data:`BLOCK` steps, recursively up
    the levels), with a plain loop only once at most :data:`SCAN_LOOP_MAX` steps are left.
    """
    n, d = u.shape
    if n <= SCAN_LOOP_MAX:
        out = np.empty((n, d))
        s = s0.copy()
        mt = level.m.T
        for k in range(n):
            out[k] = s
            s = s @ mt + u[k]
        return out
    lb = BLOCK
    nb = -(-n // lb)
    if n % lb:
        up = np.zeros((nb * lb, d))
        up[:n] = u
    else:
        up = u
    flat = up.reshape(nb, lb * d)
    starts = state_scan(flat @ level.ends, level.next, s0)
    states = starts @ level.free
    states += flat @ level.local
    return states.reshape(nb * lb, d)[:n]


class StateSpaceFilter:
    """A cascade of second-order sections run block-parallel over float32 samples.

    Parameters
    ----------
    sos : ndarray, shape (n_sections, 6)
        Second-order sections.
    """

    def __init__(self, sos: F64) -> None:
        a_m, b_v, c_v, d = sos_to_ss(sos)
        self.order = a_m.shape[0]
        lb = BLOCK
        powers = [np.eye(self.order)]
        for _ in range(lb):
            powers.append(a_m @ powers[-1])
        h = np.concatenate([[d], [c_v @ powers[i] @ b_v for i in range(lb - 1)]])
        idx = np.arange(lb)
        lag = idx[None, :] - idx[:, None]  # [i, j] = j - i: output j from input i
        #: (lb, lb): zero-state response of a block, x_block @ toeplitz
        self.toeplitz = np.where(lag >= 0, h[np.clip(lag, 0, lb - 1)], 0.0).astype(np.float32)
        #: (d, lb): free response of the state at the block start
        self.observe = np.stack([c_v @ powers[j] for j in range(lb)], axis=1).astype(np.float32)
        #: (lb, d): each input sample's contribution to the next block's start state
        self.drive = np.stack([powers[lb - 1 - i] @ b_v for i in range(lb)], axis=0).astype(
            np.float32
        )
        self.block_m = powers[lb]
        self.scan = _ScanLevel(self.block_m)
        self.a_m, self.b_v = a_m, b_v

    def run(self, x: F32, state: F64) -> tuple[F32, F64]:
        """Filter ``x`` from ``state``; return the output (float32) and the final state.

        ``state`` (length ``2 x n_sections``) holds each section's two transposed-direct-form-II
        states in order, the layout of ``scipy.signal.sosfilt``'s ``zi`` flattened.
        """
        lb = BLOCK
        n = x.shape[0]
        if n == 0:
            return np.empty(0, dtype=np.float32), np.asarray(state, dtype=np.float64).copy()
        nb = -(-n // lb)
        if n % lb:
            xp = np.zeros(nb * lb, dtype=np.float32)
            xp[:n] = x
        else:
            xp = np.ascontiguousarray(x, dtype=np.float32)
        xb = xp.reshape(nb, lb)
        u = (xb @ self.drive).astype(np.float64)
        starts = state_scan(u, self.scan, state)
        y = xb @ self.toeplitz
        y += starts.astype(np.float32) @ self.observe
        if n % lb:
            # the zero padding fed the last block's end state: run its real samples instead
            final = starts[-1].copy()
            for k in range(n - (nb - 1) * lb):  # fewer than BLOCK steps
                final = self.a_m @ final + self.b_v * float(xb[-1, k])
        else:
            final = starts[-1] @ self.block_m.T + u[-1]
        return y.reshape(-1)[:n], final
