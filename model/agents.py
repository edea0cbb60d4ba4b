"""The sales agents of a programme: each with its own commission schedule on the gross sold through it.

Today's at-the-market programmes run through several agents, each paid on its own schedule (``[From, To,
Rate]`` rows on the cumulative gross sold *through that agent*) and possibly with its own warrant coverage,
premium, expense reimbursement and retainer allocation. A deal without ``agents`` has one agent, its ``agent``
paid on its ``schedule`` (:attr:`model.terms.DealTerms.sales_agents`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields

from model.errors import CEOModelError, ErrorKind
from model.schedule import Schedule

OWN_TERMS = ("warrant_coverage", "warrant_premium", "expense_reimbursement", "retainer_allocation")
"""What an agent may state for itself; left out, the deal's term of the same name applies."""
AGENT_KEYS = ("name", "schedule", *OWN_TERMS)
MAX_AGENTS = 50


@dataclass(frozen=True)
class Agent:
    """One sales agent: its name, its schedule, and the terms it states for itself (None: the deal's).

    Examples
    --------
    >>> a = Agent("Alpha LLC", Schedule.from_rows([[0, 5e7, 0.02]]))
    >>> a.schedule.maximum, a.warrant_coverage
    (50000000.0, None)
    """

    name: str
    schedule: Schedule
    warrant_coverage: float | None = None
    warrant_premium: float | None = None
    expense_reimbursement: float | None = None
    retainer_allocation: float | None = None

    def to_mapping(self) -> dict[str, object]:
        """Plain values (schedule as rows; own terms left out when not stated): what a terms file holds."""
        out: dict[str, object] = {"name": self.name, "schedule": self.schedule.rows()}
        out.update({k: getattr(self, k) for k in OWN_TERMS if getattr(self, k) is not None})
        return out


def agents_from(value: object, check: Callable[[str, object], object]) -> tuple[Agent, ...]:
    """Agents from a terms file's ``[[agents]]`` tables (or :class:`Agent` objects), each field checked.

    Parameters
    ----------
    value : list of mappings or Agents
        ``name`` and ``schedule`` required; :data:`OWN_TERMS` optional.
    check : callable
        ``check(term_name, value)`` returns the value checked against the deal term of that name (its range).

    Raises
    ------
    CEOModelError
        One line naming the agent and its field: ``agents[2].schedule row 1: rate must be between 0 and 1``.
    """
    if isinstance(value, str | bytes | Mapping) or not isinstance(value, list | tuple):
        raise CEOModelError("agents", "must be a list of agents ([[agents]] tables with name and schedule)")
    if len(value) > MAX_AGENTS:
        raise CEOModelError("agents", f"at most {MAX_AGENTS} agents (got {len(value)})")
    out: list[Agent] = []
    for number, item in enumerate(value, start=1):
        out.append(_agent(number, item, check))
    seen: dict[str, int] = {}
    for number, agent in enumerate(out, start=1):
        key = agent.name.casefold()
        if key in seen:
            raise CEOModelError(f"agents[{number}].name", f"{agent.name!r} repeats agents[{seen[key]}]")
        seen[key] = number
    return tuple(out)


def _agent(number: int, item: object, check: Callable[[str, object], object]) -> Agent:
    where = f"agents[{number}]"
    if isinstance(item, Agent):
        item = {f.name: getattr(item, f.name) for f in fields(Agent) if getattr(item, f.name) is not None}
    if not isinstance(item, Mapping):
        raise CEOModelError(where, "must be a table with name and schedule")
    unknown = sorted(set(item) - set(AGENT_KEYS))
    if unknown:
        raise CEOModelError(f"{where}.{unknown[0]}", f"is not an agent term (one of {', '.join(AGENT_KEYS)})")
    name = item.get("name")
    if not isinstance(name, str) or not name.strip():
        raise CEOModelError(f"{where}.name", f"must be the agent's name as text (got {name!r:.40})")
    if len(name) > 200:
        raise CEOModelError(f"{where}.name", "must be at most 200 characters")
    if "schedule" not in item or item["schedule"] is None:
        raise CEOModelError(f"{where}.schedule", "is required: [From, To, Rate] rows on the gross sold through it")
    schedule = _schedule(where, item["schedule"])
    own = {}
    for key in OWN_TERMS:
        if key in item and item[key] is not None:
            try:
                own[key] = check(key, item[key])
            except CEOModelError as exc:
                raise CEOModelError(f"{where}.{key}", exc.rule, exc.kind) from None
    return Agent(name.strip(), schedule, **own)


def _schedule(where: str, rows: object) -> Schedule:
    if isinstance(rows, Schedule):
        return rows
    if not isinstance(rows, list | tuple) or not rows:
        raise CEOModelError(f"{where}.schedule", "must be a non-empty list of [From, To, Rate] rows")
    for i, row in enumerate(rows, start=1):
        if not isinstance(row, list | tuple) or len(row) != 3:
            raise CEOModelError(f"{where}.schedule row {i}", "must be [From, To, Rate]")
        for j, cell in enumerate(row, start=1):
            if isinstance(cell, bool) or not isinstance(cell, int | float) or cell != cell:
                raise CEOModelError(f"{where}.schedule row {i}", f"column {j} must be a number (got {cell!r:.30})")
    try:
        return Schedule.from_rows([list(r) for r in rows], "schedule")
    except CEOModelError as exc:
        row = f" row {exc.position[0]}" if exc.position else ""
        raise CEOModelError(f"{where}.schedule{row}", exc.rule, ErrorKind.NUM) from None
