"""The intake's log: one structured line per command (id, type, contract, outcome,
duration, and the error's code and field), on the logger the program set up."""

from __future__ import annotations

import logging
from typing import Any, Protocol


class _Result(Protocol):
    id: Any
    status: str
    error: dict[str, Any] | None
    command_type: str | None
    contract_id: str | None


class CommandLog:
    """One line per command: id, type, contract, outcome, duration."""

    def __init__(self, logger: Any, **context: Any) -> None:
        self.logger = logger.bind(**context)
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
