"""Life cycles as data: which state may move to which (DOMAIN.md §6).

The code consults these tables and the tests enumerate them; no command decides a
transition with its own `if`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from .errors import SosaError
from .i18n import N_, _

# "'x' is not a company state", one sentence per life cycle (a noun glued in would stay English).
_NOT_A_STATE = {
    "company": N_("{target!r} is not a company state"),
    "letter": N_("{target!r} is not a letter state"),
    "delay": N_("{target!r} is not a delay state"),
    "request": N_("{target!r} is not a request state"),
    "ask": N_("{target!r} is not an ask state"),
    "relay": N_("{target!r} is not a relay state"),
}


class _Facts(dict):
    """The facts a hint names; one not given prints as its name in capitals (CORPORATE_NUMBER)."""

    def __missing__(self, name: str) -> str:
        return name.upper()


@dataclass(frozen=True)
class OnlyBy:
    """A move that one action alone makes, why, and the command that makes it."""

    action: str
    why: str  # marked with N_, translated where it is shown
    how: str  # with `{key}` and the `facts` given to `LifeCycle.check` filled in


@dataclass(frozen=True)
class LifeCycle:
    noun: str
    transitions: dict[str, tuple[str, ...]]
    # Moves that one action alone makes: (from, to) → how.
    only_by: dict[tuple[str, str], OnlyBy] = field(default_factory=dict)

    @property
    def states(self) -> tuple[str, ...]:
        return tuple(self.transitions)

    def allowed(self, state: str) -> tuple[str, ...]:
        return self.transitions[state]

    def check(self, key: str, state: str, target: str, *, action: str | None = None, facts: Mapping[str, str] | None = None) -> None:
        """Refuse a move the table does not allow, naming the moves it does allow.

        A move that only one action makes (`only_by`) is refused to any other `action`,
        saying how it is made.
        """
        if target not in self.transitions:
            raise SosaError(
                _(_NOT_A_STATE.get(self.noun, N_("{target!r} is not a state of this record"))).format(target=target),
                hint=_("states are: {states}").format(states=", ".join(self.states)),
            )
        if target in self.transitions[state]:
            only = self.only_by.get((state, target))
            if only is None or only.action == action:
                return
            raise SosaError(
                _("{key} is {state} and cannot become {target} this way: {why}").format(key=key, state=state, target=target, why=_(only.why)),
                hint=only.how.format_map(_Facts(facts or {}, key=key)),
            )
        allowed = [
            _("{state} (by {action})").format(state=t, action=self.only_by[state, t].action) if (state, t) in self.only_by else t
            for t in self.transitions[state]
        ]
        if allowed:
            raise SosaError(
                _("{key} is {state} and cannot become {target}: from {state} it can move to {allowed}").format(
                    key=key, state=state, target=target, allowed=", ".join(allowed)
                )
            )
        raise SosaError(_("{key} is {state} and cannot become {target}: {state} is final").format(key=key, state=state, target=target))


COMPANY = LifeCycle(
    "company",
    {
        # Voluntary participation: a company may withdraw from any state, at any time.
        "applied": ("enrolled", "withdrawn"),
        "enrolled": ("suspended", "withdrawn"),
        "suspended": ("enrolled", "withdrawn"),
        # A company that left can come back (issue 12 §2), but only by enrolling again with
        # a new Code of Conduct acceptance: `reinstate` ends a suspension, not a withdrawal.
        "withdrawn": ("enrolled",),
    },
    only_by={
        ("withdrawn", "enrolled"): OnlyBy(
            "re-enroll",
            N_("a company that withdrew comes back by enrolling again, with the date it accepted the Code of Conduct anew"),
            "sosa enroll --corporate-number {corporate_number} --name-ja … --name-en … --coc-accepted-on DATE --yes",
        )
    },
)

LETTER = LifeCycle(
    "letter",
    {
        # DOMAIN.md §7: a 文書番号 is issued once and never reused, so a cancelled
        # letter stays in the register with its number, and cancelling is final.
        "draft": ("issued", "cancelled"),
        "issued": ("cancelled",),
        "cancelled": (),
    },
)

DELAY = LifeCycle(
    "delay",
    {
        "open": ("escalated", "closed"),
        # A request that is withdrawn hands its delays back as open, so they can be
        # asked for again or closed (DOMAIN.md §6 names no way back; the desk needs one).
        "escalated": ("resolved", "unresolved", "open"),
        "resolved": (),
        "unresolved": (),
        "closed": (),
    },
)

REQUEST = LifeCycle(
    "request",
    {
        "draft": ("sent", "withdrawn"),
        "sent": ("acknowledged", "declined", "withdrawn"),
        "acknowledged": ("rated", "declined", "withdrawn"),
        # A supplier may reject a rated order (15 CFR 700.13): the request then closes unresolved.
        "rated": ("supplier-accepted", "closed", "withdrawn"),
        "supplier-accepted": ("closed", "withdrawn"),
        "declined": ("closed",),
        "closed": (),
        "withdrawn": (),
    },
)

ASK = LifeCycle(
    "ask",
    {
        # DOMAIN.md §6; DoD may withdraw an ask at any time before it is closed.
        # When no participant supplies the items there is nobody to relay to, and ATLA
        # still answers DoD (DOMAIN.md §1): received → replied, beyond §6's table.
        "received": ("relayed", "replied", "cancelled"),
        # A reply while some company's answer-by date is still ahead is made in part
        # (`sosa ask reply --partial`); the ask is replied once a supplement forwards
        # those answers (`--supplement`), so it cannot close before.
        "relayed": ("replied", "partly-replied", "cancelled"),
        "partly-replied": ("replied", "cancelled"),
        "replied": ("closed", "cancelled"),
        "closed": (),
        "cancelled": (),
    },
)

RELAY = LifeCycle(
    "relay",
    {
        # `overdue` is never stored: a relay is overdue while its answer-by date has
        # passed without an answer (asks.relay_state), so sent → overdue and
        # reminded → overdue happen with the calendar. A reminder sets a new answer-by
        # date; passing that one makes the relay overdue (and remindable) again.
        # Cooperation is voluntary: decline is an answer like accept (DOMAIN.md §1).
        "sent": ("overdue", "answered", "no-response"),
        "overdue": ("reminded", "answered", "no-response"),
        "reminded": ("overdue", "answered", "no-response"),
        # An answer can be corrected (the audit trail keeps both versions), and a late
        # answer replaces "no response".
        "answered": ("answered", "no-response"),
        "no-response": ("answered",),
    },
)
