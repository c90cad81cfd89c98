"""The program's exit statuses, for scripts (docs/CLI.md).

One status per kind of outcome, whatever the subcommand, so a script can tell
"fix the data" (1) from "fix the call" (2) from "fix the machine" (3).
"""

EXIT_OK = 0  # success
EXIT_FAILED = 1  # a command was rejected or a check failed
EXIT_USAGE = 2  # bad usage: a bad argument, an unknown contract, statement, line or period
EXIT_STORE = 3  # the store (or an output file, or a font a PDF needs) cannot be opened or written
EXIT_INTERNAL = 70  # a bug: the message names it; LEDGER_DEBUG=1 shows the traceback
EXIT_INTERRUPTED = 130  # Ctrl-C: what was stored is reported, nothing else
