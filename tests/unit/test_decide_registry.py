"""The decide registry: one rule per command type, and a test of each here.

A new command added to ``schemas.commands.AnyCommand`` without a decide
function, or without an accepted case in ``test_decide_*.py``, fails here.
"""

from __future__ import annotations

from typing import get_args

import msgspec

from decide import DECIDERS
from schemas.commands import COMMAND_TYPES, AnyCommand

from .given import covered


def test_every_command_of_the_union_has_exactly_one_decide_function() -> None:
    members = set(get_args(AnyCommand))
    assert all(issubclass(t, msgspec.Struct) for t in members)
    assert set(DECIDERS) == members


def test_every_command_type_has_an_accepted_case_in_this_folder() -> None:
    tags = covered("test_decide_")
    missing = [t for t in COMMAND_TYPES if t not in tags]
    assert not missing, f"command types without a @covers test: {missing}"
    assert set(tags) <= set(COMMAND_TYPES), "a @covers tag names no command type"
