"""The ``ledger`` program."""
