"""``WriteWatch.maybe_changed`` (store.notices) without a database: when a cache may trust
silence and when it must ask."""

from __future__ import annotations

from typing import Any

import pytest

from store import notices
from store.notices import WriteWatch


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    c = Clock()
    monkeypatch.setattr(notices.time, "monotonic", c)
    return c


def watch() -> WriteWatch:
    store: Any = object()
    return WriteWatch(store, logger=None)


def test_a_watch_that_is_not_listening_always_says_maybe(clock: Clock) -> None:
    w = watch()
    assert [w.maybe_changed() for _ in range(3)] == [True, True, True]


def test_a_listening_watch_says_maybe_once_per_write_heard(clock: Clock) -> None:
    w = watch()
    w.listening = True
    assert w.maybe_changed() is True  # what was written before listening began
    assert w.maybe_changed() is False
    w._heard = True  # the listener heard a write
    assert [w.maybe_changed(), w.maybe_changed()] == [True, False]


def test_silence_is_trusted_for_at_most_max_quiet(clock: Clock) -> None:
    w = watch()
    w.listening = True
    assert w.maybe_changed() is True
    clock.now += notices.MAX_QUIET - 0.01
    assert w.maybe_changed() is False
    clock.now += 0.01
    assert w.maybe_changed() is True
    assert w.maybe_changed() is False


def test_losing_the_connection_means_maybe_again(clock: Clock) -> None:
    w = watch()
    w.listening = True
    w.maybe_changed()
    w.listening = False
    assert w.maybe_changed() is True
