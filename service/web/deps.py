"""service.web.deps: the one way routes reach the app's shared state (made in the lifespan).

Settings, the database (a session as a FastAPI dependency, or :func:`connection` inside a
handler) and the map cache all come from ``app.state``, set up by
:func:`service.web.app.create_app`; nothing here creates an engine or a cache.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy import Connection
from sqlalchemy.orm import Session

from service.settings import Settings
from service.web.page_cache import MapCache
from service.web.read_routing import read_connection


def get_settings(request: Request) -> Settings:
    """The settings the app was built with."""
    settings: Settings = request.app.state.settings
    return settings


@contextmanager
def connection(request: Request) -> Iterator[Connection]:
    """A pooled connection on the request's server (:mod:`service.web.read_routing`: the
    primary or a read replica), opened in the handler's own thread.

    For the hot OGC paths: as a dependency, FastAPI would run it (and its exit) in extra
    threadpool hops, which cost more than those queries.
    """
    with read_connection(request) as conn:
        yield conn


def get_session(request: Request) -> Iterator[Session]:
    """A session on the request's server (:mod:`service.web.read_routing`), closed after it."""
    with read_connection(request) as conn, request.app.state.sessionmaker(bind=conn) as session:
        yield session


def get_map_cache(request: Request) -> MapCache:
    """The app's cache of rendered map pages."""
    cache: MapCache = request.app.state.map_cache
    return cache


SettingsDep = Annotated[Settings, Depends(get_settings)]
SessionDep = Annotated[Session, Depends(get_session)]
MapCacheDep = Annotated[MapCache, Depends(get_map_cache)]
