"""decide.provider and ledger.provider: the provider's identity, a stream of its own, and the
profile in effect on a date."""

from __future__ import annotations

import datetime as dt

from schemas import events as ev
from schemas.examples import PROVIDER

from .given import covers, emits, given, rejects


def set_provider(**over: object) -> dict[str, object]:
    return {"type": "set_provider", "id": f"prov-{over.get('effective_from', 'x')}", **PROVIDER,
            **over}


@covers("set_provider")
def test_set_provider_emits_provider_set_on_its_own_stream() -> None:
    state = given()
    ((stream, event),) = emits(state, set_provider())
    assert stream == "provider:profile"
    assert isinstance(event, ev.ProviderSet)
    assert (event.name, event.tax_id, event.bank.account) == (
        PROVIDER["name"], PROVIDER["tax_id"], PROVIDER["bank"]["account"])  # type: ignore[index]
    assert event.contract_id == "" and state.contracts == {}


def test_a_profile_needs_a_name_and_a_bank_account() -> None:
    state = given()
    error = rejects(state, set_provider(name=""))
    assert (error.code, error.field) == ("invalid_value", "name")
    error = rejects(state, set_provider(bank={"name": "招商银行"}))
    assert (error.code, error.field) == ("missing_field", "bank.account")


def _profile(effective_from: str, name: str) -> ev.ProviderSet:
    return ev.ProviderSet(contract_id="", command_id=name, recorded_at="2026-01-01T00:00:00Z",
                          effective_from=dt.date.fromisoformat(effective_from), name=name,
                          address="", tax_id="", bank=ev.Bank(name="b", account="a"), contact="")


def test_the_profile_in_effect_is_the_latest_started_later_in_the_log_on_ties() -> None:
    from ledger.provider import profile_on

    profiles = [_profile("2026-01-01", "first"), _profile("2026-06-01", "june"),
                _profile("2026-03-01", "march"), _profile("2026-03-01", "march again")]
    assert profile_on(profiles, dt.date(2025, 12, 31)) is None
    assert profile_on(profiles, dt.date(2026, 2, 28)).name == "first"  # type: ignore[union-attr]
    assert profile_on(profiles, dt.date(2026, 5, 31)).name == "march again"  # type: ignore[union-attr]
    assert profile_on(profiles, dt.date(2026, 6, 1)).name == "june"  # type: ignore[union-attr]
