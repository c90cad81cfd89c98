"""Command handling (decode, decide, save) and the ``ledger`` program."""
