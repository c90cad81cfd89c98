"""``ledger import`` and ``ledger reconcile``: external files -> proposed commands.

Everything here is pure: bytes and lookup tables in, proposed commands and
per-row outcomes out; nothing reads or writes the event store. The pipeline:
``table`` (bytes -> rows of text) -> ``header`` (find the header, skip the
preamble and summary rows) -> ``roster`` / ``service`` / ``bank`` (rows ->
commands shaped like the JSON Lines of ``schemas.commands``, with ids derived
from the row's own identity, so a second import answers ``duplicate``) ->
``report`` (outcomes and counts, one msgspec encode for ``--json``).
``matching`` decides which contract a bank credit pays.
"""
