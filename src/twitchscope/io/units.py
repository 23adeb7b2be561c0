"""Physical units of recording channels: parsing, conversion to µV, plausibility.

Voltages (``uV``, ``µV``, ``μV``, ``mV``, ``V``, ``nV`` and spelled-out forms) are converted to µV,
written ``"uV"`` everywhere in twitchscope. Other units (``%``, ``L/min``, ``degrees``, ``bpm``...)
are kept as written. An electrophysiological channel (leg/chin EMG, EEG, EOG, ECG) with an empty or
unknown unit is assumed to be in µV, with a warning.

Plausibility: the physical range in the header says how large the amplifier's full scale is. For
electrophysiology a full scale below :data:`MIN_FULL_SCALE_UV` (e.g. a leg EMG "in µV" spanning
±0.5: almost certainly mV) or above :data:`MAX_FULL_SCALE_UV` (e.g. "in mV" spanning ±5000, i.e.
±5 V: almost certainly µV) gives a warning naming the channel. Typical PSG amplifiers use full
scales of ±100 µV to ±10 mV for these channels; DC-coupled 24-bit amplifiers use far larger ones
(BioSemi ActiveTwo: ±262.144 mV, the 24-bit range at 31.25 nV per step; g.tec g.USBamp:
±250 mV), so the upper bound sits above them, at ±400 mV.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

UV: Final = "uV"
#: Factor from each voltage unit (lower-cased, spaces removed) to µV.
VOLTAGE_TO_UV: Final[dict[str, float]] = {
    "uv": 1.0,
    "µv": 1.0,  # U+00B5 MICRO SIGN
    "μv": 1.0,  # U+03BC GREEK SMALL LETTER MU
    "microvolt": 1.0,
    "microvolts": 1.0,
    "mv": 1e3,
    "millivolt": 1e3,
    "millivolts": 1e3,
    "v": 1e6,
    "volt": 1e6,
    "volts": 1e6,
    "nv": 1e-3,
    "nanovolt": 1e-3,
    "nanovolts": 1e-3,
}
#: Roles whose signals are electrical potentials (must be in µV).
ELECTRICAL_ROLES: Final = frozenset({"leg_left", "leg_right", "chin", "eeg", "eog", "ecg"})
#: Full-scale bounds (max |physical min|, |physical max| in µV) outside which a warning is given.
MIN_FULL_SCALE_UV: Final = 5.0
MAX_FULL_SCALE_UV: Final = 400_000.0


@dataclass(frozen=True)
class UnitInfo:
    """How a channel's header unit is read.

    Attributes
    ----------
    unit : str
        Unit after conversion (``"uV"`` for voltages, else the header text).
    factor : float
        Multiply physical values in the header unit by this to get ``unit``.
    source_unit : str
        The unit text of the header.
    warning : str
        Non-empty when the unit was guessed (empty/unknown unit on an electrical channel).
    """

    unit: str
    factor: float
    source_unit: str
    warning: str = ""


def voltage_factor(text: str) -> float:
    """Factor from a voltage unit to µV, or 0.0 when ``text`` is not a voltage unit.

    Parameters
    ----------
    text : str
        Unit as written, e.g. ``"mV"``, ``"µV"``, ``" uV "``.
    """
    return VOLTAGE_TO_UV.get(text.strip().replace(" ", "").lower(), 0.0)


def parse_unit(text: str, role: str, label: str) -> UnitInfo:
    """Decide the output unit and conversion factor of one channel.

    Parameters
    ----------
    text : str
        The physical dimension written in the header.
    role : str
        The channel's role (``""`` when none).
    label : str
        The channel label, for the warning.

    Returns
    -------
    UnitInfo
    """
    factor = voltage_factor(text)
    if factor:
        return UnitInfo(UV, factor, text)
    if role in ELECTRICAL_ROLES:
        shown = repr(text) if text.strip() else "empty"
        return UnitInfo(
            UV,
            1.0,
            text,
            f"channel {label!r} ({role}): unit is {shown}, not a voltage; assuming µV",
        )
    return UnitInfo(text.strip(), 1.0, text)


def range_warning(label: str, role: str, unit: UnitInfo, pmin: float, pmax: float) -> str:
    """A warning when an electrical channel's full scale is implausible for its unit.

    Parameters
    ----------
    label, role : str
        The channel, for the message.
    unit : UnitInfo
        From :func:`parse_unit`.
    pmin, pmax : float
        Physical minimum and maximum from the header, in ``unit.source_unit``.

    Returns
    -------
    str
        The warning, or ``""`` when the range is plausible or the channel is not electrical.
    """
    if role not in ELECTRICAL_ROLES or unit.unit != UV:
        return ""
    full = max(abs(pmin), abs(pmax)) * unit.factor
    src = unit.source_unit.strip() or "no unit"
    if full < MIN_FULL_SCALE_UV:
        return (
            f"channel {label!r} ({role}): physical range {pmin:g}..{pmax:g} {src} is implausibly "
            f"small for {src} (full scale {full:g} µV); the unit may be wrong (mV or V?)"
        )
    if full > MAX_FULL_SCALE_UV:
        return (
            f"channel {label!r} ({role}): physical range {pmin:g}..{pmax:g} {src} is implausibly "
            f"large for {src} (full scale {full:g} µV); the unit may be wrong (µV?)"
        )
    return ""
