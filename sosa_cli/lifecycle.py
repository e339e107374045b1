"""Life cycles as data: which state may move to which (DOMAIN.md §6).

The code consults these tables and the tests enumerate them; no command decides a
transition with its own `if`.
"""

from __future__ import annotations

from dataclasses import dataclass

from .errors import SosaError


@dataclass(frozen=True)
class LifeCycle:
    noun: str
    transitions: dict[str, tuple[str, ...]]

    @property
    def states(self) -> tuple[str, ...]:
        return tuple(self.transitions)

    def allowed(self, state: str) -> tuple[str, ...]:
        return self.transitions[state]

    def check(self, key: str, state: str, target: str) -> None:
        """Refuse a move the table does not allow, naming the moves it does allow."""
        if target not in self.transitions:
            raise SosaError(
                f"{target!r} is not a {self.noun} state",
                hint=f"states are: {', '.join(self.states)}",
            )
        if target in self.transitions[state]:
            return
        allowed = self.transitions[state]
        where = f"from {state} it can move to {', '.join(allowed)}" if allowed else f"{state} is final"
        raise SosaError(f"{key} is {state} and cannot become {target}: {where}")


COMPANY = LifeCycle(
    "company",
    {
        # Voluntary participation: a company may withdraw from any state, at any time.
        "applied": ("enrolled", "withdrawn"),
        "enrolled": ("suspended", "withdrawn"),
        "suspended": ("enrolled", "withdrawn"),
        "withdrawn": (),
    },
)
