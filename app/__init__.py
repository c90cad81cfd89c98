"""Application services that sit between the command line and the ledger."""
