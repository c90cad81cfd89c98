"""Structured logging: one line per command on stderr (structlog).

JSON when stderr is not a terminal, readable console output when it is.
``LEDGER_LOG_LEVEL`` (default ``info``) sets the level; ``warning`` silences
the per-command lines. Connection URLs are logged without their password.
"""

from __future__ import annotations

import logging
import os
import sys
from typing import Any, Protocol

import msgspec
import structlog

_LEVELS = {"debug": logging.DEBUG, "info": logging.INFO, "warning": logging.WARNING,
           "error": logging.ERROR}


class _Result(Protocol):
    id: Any
    status: str
    error: dict[str, Any] | None
    command_type: str | None
    contract_id: str | None


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


class CommandLog:
    """One line per command: id, type, contract, outcome, duration."""

    def __init__(self, logger: Any = None, **context: Any) -> None:
        self.logger = (logger or configure()).bind(**context)
        self.enabled = self.logger.is_enabled_for(logging.INFO)

    def command(self, result: _Result, seconds: float) -> None:
        if not self.enabled:
            return
        fields: dict[str, Any] = {
            "command_id": result.id, "type": result.command_type,
            "contract_id": result.contract_id, "outcome": result.status,
            "duration_us": int(seconds * 1_000_000),
        }
        if result.error is not None:
            fields["code"] = result.error["code"]
            fields["field"] = result.error["field"]
        self.logger.info("command", **fields)

    def event(self, message: str, **fields: Any) -> None:
        self.logger.info(message, **fields)
