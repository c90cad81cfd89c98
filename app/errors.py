"""What a report, export or document cannot do, as values the program's edge turns
into an exit status and a message (``cli.main``; docs/CLI.md lists the codes).

- ``ReportError``: the request names something the ledger does not hold (an
  unknown contract, a statement not issued, a line the statement does not
  have) or a period of the wrong cycle: bad usage, exit status 2.
- ``OutputError``: the request is fine but its output cannot be written (a
  file that cannot be created, PDF output without WeasyPrint or without a
  Chinese font): exit status 3, like a store that cannot be written.
"""

from __future__ import annotations


class ReportError(Exception):
    """A report cannot be produced as asked; ``code`` says why, for scripts."""

    def __init__(self, message: str, code: str = "not_found") -> None:
        super().__init__(message)
        self.code = code


class OutputError(Exception):
    """The output cannot be written where or how it was asked."""

    def __init__(self, message: str, code: str = "output_unwritable") -> None:
        super().__init__(message)
        self.code = code
