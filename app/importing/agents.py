"""Who is meant by the agent cell: agent ids, platform accounts and names.

The caller passes what the ledger knows of a contract's agents (``Known``:
agent id, name, platform accounts); ``directory`` turns it into one lookup
table keyed by normalised text (``header.norm``: NFKC, no spaces,
case-folded). An agent id always means that agent; an account or a name
means its agent unless two agents share it, in which case the key is
ambiguous (``None``) and the row is listed, never guessed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import msgspec

from app.importing.table import norm


class Known(msgspec.Struct, frozen=True, kw_only=True):
    agent_id: str
    name: str = ""
    accounts: list[str] = []


Directory = Mapping[str, str | None]


def directory(agents: Iterable[Known]) -> dict[str, str | None]:
    """key -> agent id (``None`` when the key names two agents)."""
    agents = list(agents)
    table: dict[str, str | None] = {}
    for agent in agents:
        for alias in (*agent.accounts, agent.name):
            key = norm(alias)
            if key:
                table[key] = agent.agent_id if table.get(key, agent.agent_id) == agent.agent_id \
                    else None
    for agent in agents:  # ids win over anyone's account or name
        table[norm(agent.agent_id)] = agent.agent_id
    return table


def resolve(table: Directory, text: str) -> tuple[str | None, str]:
    """(agent id, '') or (None, reason code: ``unknown_agent`` / ``ambiguous_agent``)."""
    key = norm(text)
    if key not in table:
        return None, "unknown_agent"
    agent = table[key]
    return (agent, "") if agent is not None else (None, "ambiguous_agent")
