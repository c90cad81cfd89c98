"""Logging set-up (structlog): where the program's log lines go and how they look.

JSON when stderr is not a terminal, readable console output when it is.
``LEDGER_LOG_LEVEL`` (default ``info``) sets the level: at ``info`` a submit logs
one line per batch and one summary per run, at ``debug`` one line per command too,
at ``warning`` none of them (``app.commandlog``).
"""

from __future__ import annotations

import importlib
import logging
import os
import sys
import types
from typing import Any

import msgspec


class _Deferred(types.ModuleType):
    """Stands in for a module while structlog is imported; the module itself is imported on
    the first use of one of its attributes through this stand-in."""

    def __getattr__(self, attr: str) -> Any:
        if sys.modules.get(self.__name__) is self:
            del sys.modules[self.__name__]
        return getattr(importlib.import_module(self.__name__), attr)


# structlog imports rich, where it can, for its console's exception pages: about 50 ms of
# every start-up that logs, for pages this program never shows (an error reaches the user
# as one line). An import that finds ``None`` in ``sys.modules`` fails, so structlog takes
# its plain fallbacks; rich stays importable afterwards (the progress bar, the tables).
# It also imports asyncio (and ssl with it), 15 ms, for async loggers this program never makes:
# a stand-in takes its place meanwhile (``_Deferred``), so asyncio is imported only by what
# uses it (the server), as the one module it always is.
_RICH_LOADED = "rich" in sys.modules
_ASYNCIO_LOADED = "asyncio" in sys.modules
if not _RICH_LOADED:
    sys.modules["rich"] = None  # type: ignore[assignment]
if not _ASYNCIO_LOADED:
    sys.modules["asyncio"] = _Deferred("asyncio")
try:
    import structlog
finally:
    if not _RICH_LOADED:
        del sys.modules["rich"]
    if not _ASYNCIO_LOADED and isinstance(sys.modules.get("asyncio"), _Deferred):
        del sys.modules["asyncio"]

_LEVELS = {"debug": logging.DEBUG, "info": logging.INFO, "warning": logging.WARNING,
           "error": logging.ERROR}


def _dumps(obj: Any, **_: Any) -> str:
    return msgspec.json.encode(obj).decode()


def configure(stream: Any = None, default_level: str = "info") -> Any:
    stream = stream or sys.stderr
    wanted = os.environ.get("LEDGER_LOG_LEVEL", default_level).lower()
    level = _LEVELS.get(wanted, logging.INFO)
    tty = hasattr(stream, "isatty") and stream.isatty()
    renderer: Any = (structlog.dev.ConsoleRenderer(colors=True) if tty
                     else structlog.processors.JSONRenderer(serializer=_dumps))
    return structlog.wrap_logger(
        structlog.PrintLogger(stream),
        wrapper_class=structlog.make_filtering_bound_logger(level),
        processors=[
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            renderer,
        ],
        cache_logger_on_first_use=True,
    )
