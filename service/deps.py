"""service.deps: FastAPI dependencies (settings, database sessions)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from service.read_routing import read_connection
from service.settings import Settings


def get_settings(request: Request) -> Settings:
    """The settings the app was built with."""
    settings: Settings = request.app.state.settings
    return settings


def get_session(request: Request) -> Iterator[Session]:
    """A session on the request's server (:mod:`service.read_routing`), closed after it."""
    with read_connection(request) as conn, request.app.state.sessionmaker(bind=conn) as session:
        yield session


SettingsDep = Annotated[Settings, Depends(get_settings)]
SessionDep = Annotated[Session, Depends(get_session)]
