"""The program's exit statuses, for scripts (docs/CLI.md)."""

EXIT_OK = 0  # success
EXIT_FAILED = 1  # a command was rejected or a check failed
EXIT_USAGE = 2  # bad usage
