"""The provider's identity in effect on a date: the ``ProviderSet`` with the latest
``effective_from`` on or before it (of two with the same date, the later in the log)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from schemas.events import ProviderSet


def profile_on(profiles: Iterable[ProviderSet], day: dt.date) -> ProviderSet | None:
    """``profiles`` in log order; None when none is in effect on ``day``."""
    found: ProviderSet | None = None
    for profile in profiles:
        if profile.effective_from <= day and (found is None
                                              or profile.effective_from >= found.effective_from):
            found = profile
    return found
