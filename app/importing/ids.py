"""Command ids derived from a row's own identity, so importing twice is a no-op.

``import:<kind>:<part>:<part>…`` (e.g. ``import:shift:C-TMALL-01:A01:2026-11-03:early``,
``import:bank:<流水号>``). The same row gives the same id in every export that
holds it, so the intake answers ``duplicate`` for rows already submitted.
Ids longer than the schema's 200 characters keep a readable head and end in
a SHA-256 of the full id, which is just as deterministic.
"""

from __future__ import annotations

import hashlib

MAX_ID = 200


def command_id(kind: str, *parts: str) -> str:
    """The deterministic command id of one imported fact."""
    full = ":".join(("import", kind, *parts))
    if len(full) <= MAX_ID:
        return full
    digest = hashlib.sha256(full.encode()).hexdigest()[:40]
    return f"{full[:MAX_ID - 42]}:#{digest}"
