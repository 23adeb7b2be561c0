"""CLI: ``twitchscope serve`` - the web app for the person and the clinician."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from twitchscope.cli._common import console, esc


def default_data_dir() -> Path:
    """``~/.twitchscope/web``: where the app keeps its database and uploads by default."""
    return Path.home() / ".twitchscope" / "web"


def serve_command(
    host: Annotated[
        str, typer.Option(help="Address to listen on (loopback unless --accounts).")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    data: Annotated[
        Path | None,
        typer.Option(
            "--data", help="Folder for the database and uploads (default ~/.twitchscope/web)."
        ),
    ] = None,
    db: Annotated[
        str | None,
        typer.Option(
            "--db",
            help="Database URL (postgresql+psycopg://user:pass@host/db); default SQLite in --data.",
        ),
    ] = None,
    demo: Annotated[
        bool, typer.Option("--demo", help="Load the example night and an example person.")
    ] = False,
    accounts: Annotated[
        bool, typer.Option("--accounts", help="Sign-in with accounts (needed beyond loopback).")
    ] = False,
    allow_signup: Annotated[
        bool, typer.Option("--allow-signup", help="With --accounts: anyone may create an account.")
    ] = False,
    add_user: Annotated[
        str | None,
        typer.Option("--add-user", help="Create this account (asks for the password) and exit."),
    ] = None,
    clinician: Annotated[
        bool,
        typer.Option(
            "--clinician",
            help="With --add-user: the account sees and reviews every person's nights.",
        ),
    ] = False,
    max_upload_mb: Annotated[int, typer.Option(help="Largest recording accepted, MiB.")] = 2048,
    workers: Annotated[int, typer.Option(help="Recordings scored at the same time.")] = 1,
    allowed_host: Annotated[
        list[str] | None,
        typer.Option("--allowed-host", help="Another host name to answer to (behind a proxy)."),
    ] = None,
    secure_cookies: Annotated[
        bool, typer.Option("--secure-cookies", help="Mark cookies Secure (when served over HTTPS).")
    ] = False,
) -> None:
    """Serve the web app: questions, diary, labs, uploads, the picture, and night review."""
    from twitchscope.errors import MissingDependencyError, ValidationError
    from twitchscope.web.config import WebConfig

    try:
        import fastapi  # noqa: F401
        import uvicorn
    except ImportError:
        raise MissingDependencyError("fastapi", "web", "twitchscope serve") from None
    folder = (data or default_data_dir()).expanduser()
    config = WebConfig(
        data_dir=folder,
        db_url=db,
        accounts=accounts or add_user is not None,
        host=host,
        port=port,
        max_upload_bytes=max_upload_mb * 1024 * 1024,
        workers=workers,
        allow_signup=allow_signup,
        secure_cookies=secure_cookies,
        allowed_hosts=tuple(allowed_host or ()),
        demo=demo,
    )
    if add_user is not None:
        _add_user(config, add_user, "clinician" if clinician else "person")
        return
    if clinician:
        raise ValidationError("--clinician", "goes with --add-user NAME")
    if demo and config.accounts:
        raise ValidationError(
            "--demo",
            "the demo loads an example person for the one local user; leave out --accounts",
        )
    config.check_listen()
    from twitchscope.web.app import create_app

    app = create_app(config)
    shown = f"[{host}]" if ":" in host else host
    console.print(
        f"twitchscope web app on [bold]http://{esc(shown)}:{port}/[/] (data in {esc(folder)}); "
        "Ctrl-C stops it",
        highlight=False,
        markup=True,
    )
    uvicorn.run(app, host=host, port=port, log_level="warning", proxy_headers=False)


def _add_user(config: object, name: str, role: str = "person") -> None:
    from twitchscope.web.app import build_state
    from twitchscope.web.routes.account import check_new_account

    password = typer.prompt("password", hide_input=True, confirmation_prompt=True)
    check_new_account(name, password)
    state = build_state(config)  # type: ignore[arg-type]
    try:
        state.store.add_user(name, state.hasher.hash(password), role)
    finally:
        state.main_diary.close()
    console.print(f"account {name!r} ({role}) created", highlight=False, markup=False)


def register(app: typer.Typer) -> None:
    """Add the ``serve`` command to ``app``."""
    app.command("serve")(serve_command)
