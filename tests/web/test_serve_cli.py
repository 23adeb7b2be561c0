"""``twitchscope serve``: refusals before anything listens, and --add-user."""

from __future__ import annotations

from pathlib import Path

import pytest

from twitchscope.cli import main


def test_refuses_non_loopback_without_accounts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["serve", "--host", "0.0.0.0", "--data", str(tmp_path)]) == 2
    assert "--accounts" in capsys.readouterr().err


def test_demo_is_for_the_local_user(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["serve", "--demo", "--accounts", "--data", str(tmp_path)]) == 2
    assert "--demo" in capsys.readouterr().err


@pytest.mark.filterwarnings("ignore::getpass.GetPassWarning")
def test_add_user(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import io
    import sys

    monkeypatch.setattr(
        sys, "stdin", io.StringIO("a long enough password\na long enough password\n")
    )
    assert main(["serve", "--add-user", "nurse", "--data", str(tmp_path)]) == 0
    monkeypatch.setattr(sys, "stdin", io.StringIO("another long password\nanother long password\n"))
    assert main(["serve", "--add-user", "doc", "--clinician", "--data", str(tmp_path)]) == 0
    assert main(["serve", "--clinician", "--data", str(tmp_path)]) == 2  # only with --add-user
    from twitchscope.web.app import build_state
    from twitchscope.web.config import WebConfig

    state = build_state(WebConfig(data_dir=tmp_path, accounts=True))
    try:
        found = state.store.user_credentials("nurse")
        assert found is not None and state.hasher.verify(found[1], "a long enough password")
        assert found[0].role == "person"
        doc = state.store.user_credentials("doc")
        assert doc is not None and doc[0].is_clinician
    finally:
        state.close()


def test_help_is_light() -> None:
    import subprocess
    import sys

    out = subprocess.run(
        [sys.executable, "-c", "import sys, twitchscope.cli; print('fastapi' in sys.modules)"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.strip() == "False"  # the CLI does not import the web stack to start
