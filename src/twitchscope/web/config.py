"""Settings of one running web app (``twitchscope serve`` options)."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

from twitchscope.errors import ValidationError

#: Largest recording accepted by default (bytes): an 8 h, 20-signal PSG at 512 Hz is ~600 MB.
DEFAULT_MAX_UPLOAD_BYTES: Final[int] = 2 * 1024**3
#: Largest annotation file (hypnogram, events) accepted (bytes).
MAX_ANNOTATION_BYTES: Final[int] = 50 * 1024**2
#: Names always accepted in the Host header (the loopback interface).
LOOPBACK_HOSTS: Final[tuple[str, ...]] = ("127.0.0.1", "localhost", "::1", "[::1]")


def is_loopback(host: str) -> bool:
    """Return True when ``host`` is a loopback name or address (127.0.0.0/8, ::1, localhost)."""
    name = host.strip().strip("[]").lower()
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True)
class WebConfig:
    """Settings of the web app.

    Attributes
    ----------
    data_dir : Path
        Folder of everything the app stores: the SQLite database (unless ``db_url``), the
        uploaded recordings and their results.
    db_url : str or None
        Database URL (``postgresql+psycopg://user:pass@host/db``); None uses
        ``data_dir/twitchscope.sqlite``.
    accounts : bool
        Sign-in with accounts (hashed passwords, sessions, API tokens). Without accounts there
        is one local user and the app only listens on loopback.
    host, port : str, int
        Where the app listens (for the refusal check and the printed address).
    max_upload_bytes : int
        Largest recording accepted.
    workers : int
        Recordings scored at the same time (each 8 h night needs ~300 MB while scored).
    allow_signup : bool
        With accounts: anyone who reaches the app may create an account (else only the first
        account, made on the set-up page, and ``serve --add-user``).
    secure_cookies : bool
        Mark cookies ``Secure`` (behind HTTPS).
    login_attempts, login_window_s : int, float
        At most this many failed sign-ins per address and per user name in the window.
    session_hours : float
        Lifetime of a sign-in.
    allowed_hosts : tuple of str
        Host names accepted besides loopback and ``host`` (behind a proxy).
    demo : bool
        Load the example night and the example person at start.
    """

    data_dir: Path
    db_url: str | None = None
    accounts: bool = False
    host: str = "127.0.0.1"
    port: int = 8000
    max_upload_bytes: int = DEFAULT_MAX_UPLOAD_BYTES
    workers: int = 1
    allow_signup: bool = False
    secure_cookies: bool = False
    login_attempts: int = 5
    login_window_s: float = 300.0
    session_hours: float = 12.0
    allowed_hosts: tuple[str, ...] = field(default_factory=tuple)
    demo: bool = False

    def __post_init__(self) -> None:
        if self.max_upload_bytes < 1024:
            raise ValidationError("max_upload_bytes", "must be at least 1 KiB")
        if not 1 <= self.workers <= 32:
            raise ValidationError("workers", f"must be within 1-32, got {self.workers}")
        if not 1 <= self.port <= 65535:
            raise ValidationError("port", f"must be within 1-65535, got {self.port}")

    def check_listen(self) -> None:
        """Refuse to listen beyond loopback without accounts.

        Raises
        ------
        ValidationError
            When ``host`` is not a loopback address and accounts are off.
        """
        if not self.accounts and not is_loopback(self.host):
            raise ValidationError(
                "--host",
                f"{self.host} is reachable from other machines; without accounts anyone there "
                "could read this person's answers and recordings. Use --accounts, or listen "
                "on 127.0.0.1",
            )

    @property
    def database(self) -> str:
        """The database URL or SQLite path the app uses."""
        return self.db_url or str(self.data_dir / "twitchscope.sqlite")

    @property
    def recordings_dir(self) -> Path:
        """Folder of uploaded recordings (one sub-folder per recording, named by its id)."""
        return self.data_dir / "recordings"

    def host_names(self) -> tuple[str, ...]:
        """Host header values accepted (protects the loopback app from DNS rebinding)."""
        names = {*LOOPBACK_HOSTS, self.host.lower(), *(h.lower() for h in self.allowed_hosts)}
        return tuple(sorted(names))
