"""Where a document or an export goes: a file, or stdout when the path is ``-``.

A file that cannot be written is ``OutputError`` (exit status 3), never a traceback.
"""

from __future__ import annotations

import sys
from pathlib import Path

from app.errors import OutputError

STDOUT = "-"


def write_bytes(path: str, data: bytes) -> None:
    """``data`` to the file ``path``, or to stdout when ``path`` is ``-``."""
    if path == STDOUT:
        stream = getattr(sys.stdout, "buffer", None)
        if stream is not None:
            sys.stdout.flush()
            stream.write(data)
            stream.flush()
        else:  # a text stdout (a test's StringIO): keep every byte as a surrogate
            sys.stdout.write(data.decode("utf-8", "surrogateescape"))
        return
    try:
        Path(path).write_bytes(data)
    except OSError as exc:
        raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from None
