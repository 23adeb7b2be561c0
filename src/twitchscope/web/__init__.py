"""The twitchscope web app: pages for the person and the clinician, and a JSON API.

A thin layer over the same library as the CLI: :func:`create_app` builds the FastAPI
application from a :class:`WebConfig`; ``twitchscope serve`` runs it with uvicorn. Pages are
server-rendered Jinja2 templates (autoescaped); JavaScript is used only where interaction needs
it (upload progress, the signal viewer, live unit conversion). Every asset is served by the app.

Needs the ``web`` extra: ``pip install 'twitchscope[web]'``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from twitchscope.web.config import WebConfig

if TYPE_CHECKING:
    from fastapi import FastAPI

__all__ = ["WebConfig", "create_app"]


def create_app(config: WebConfig, **kwargs: Any) -> FastAPI:
    """Build the web application (see :func:`twitchscope.web.app.create_app`)."""
    from twitchscope.web.app import create_app as _create

    return _create(config, **kwargs)
