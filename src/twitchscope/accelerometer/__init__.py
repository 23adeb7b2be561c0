"""Ankle accelerometers: leg movements, sleep/wake and nights from acceleration.

Public API::

    read_accelerometer(path, leg="left") -> AccelRecording     (twitchscope.io.accelerometer)
    score_accelerometer(left, right, rules="wasm2016") -> AccelResult
    score_accelerometer_to_dir(out, left=..., right=...) -> AccelResult   (writes the contract)
"""

from twitchscope.accelerometer.movements import detect_accel_movements
from twitchscope.accelerometer.nights import AccelNight, AccelResult, score_accelerometer
from twitchscope.accelerometer.outputs import score_accelerometer_to_dir
from twitchscope.accelerometer.rules import SLEEP_WAKE_METHOD, VANHEES2015, AccelRules
from twitchscope.io.accelerometer import AccelRecording, read_accelerometer

__all__ = [
    "SLEEP_WAKE_METHOD",
    "VANHEES2015",
    "AccelNight",
    "AccelRecording",
    "AccelResult",
    "AccelRules",
    "detect_accel_movements",
    "read_accelerometer",
    "score_accelerometer",
    "score_accelerometer_to_dir",
]
