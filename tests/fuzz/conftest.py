"""Fixtures of the fuzz suite: the seed corpus, written once per test session."""

from __future__ import annotations

import pytest
from seeds import Corpus, write_corpus


@pytest.fixture(scope="session")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Corpus:
    """A short simulated night as EDF+/BDF+ and its annotations in every format."""
    return write_corpus(tmp_path_factory.mktemp("corpus"), hours=0.1)
