"""``python -m twitchscope`` runs the command line."""

from twitchscope.cli import run

run()
