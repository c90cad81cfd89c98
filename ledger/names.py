"""Names compared as people write them: one definition of "the same name".

Payer names from bank statements, platform accounts and column titles are
compared after NFKC (full-width letters, digits and brackets folded to their
plain forms), with every whitespace removed and case folded, so
``衣恋（杭州） 服饰`` and ``衣恋(杭州)服饰`` are one name.
"""

from __future__ import annotations

import unicodedata


def fold(name: str) -> str:
    """``name`` in its comparison form."""
    return "".join(unicodedata.normalize("NFKC", name).split()).casefold()
