"""``ledger import`` and ``ledger reconcile``: external files -> commands for the intake.

The importers are pure: bytes and lookup tables in, proposed commands and
per-row outcomes out. The pipeline: ``table`` (bytes -> rows of text) ->
``header`` (find the header, skip the preamble and summary rows) -> ``roster``
/ ``service`` / ``bank`` (rows -> commands shaped like the JSON Lines of
``schemas.commands``, with ids derived from the row's own identity, so a
second import answers ``duplicate``) -> ``report`` (outcomes and counts, one
msgspec encode for ``--json``). ``matching`` decides which contract a bank
credit pays. Two modules touch the store: ``books`` reads the lookup tables
through ``store.view``, and ``run`` puts one import together and hands its
commands to ``app.intake`` (a preview, or ``--apply``).
"""
