"""How the audit trail shows in `sosa log` and in the History part of every `show`."""

from typing import Any

from ..i18n import C_, N_

# What a one-line summary of a new record shows first, when it has these fields.
SUMMARY_KEYS = ("status", "name_ja", "kind", "doc_number", "to", "destination", "reason")
HISTORY_COLUMNS = [("at", N_("When")), ("user", N_("Who")), ("action", C_("audit", "Action")), ("change", N_("Change"))]


def describe_change(before: Any, after: Any) -> str:
    """A one-line summary of what an audit entry changed, for tables."""
    if isinstance(before, dict) and isinstance(after, dict):
        return "; ".join(f"{k}: {before.get(k)!r} → {after.get(k)!r}" for k in after)
    if isinstance(after, dict):
        shown = [k for k in SUMMARY_KEYS if after.get(k)] or [k for k, v in after.items() if v not in (None, [], "")][:3]
        return ", ".join(f"{k}={after[k]}" for k in shown)
    return ""


def rows(entries) -> list[dict[str, Any]]:
    """Table rows: times in the desk's zone (the `timezone` setting); `--json` keeps UTC."""
    from ..clock import local_time

    return [{**e.as_dict(), "at": local_time(e.at), "change": describe_change(e.before, e.after)} for e in entries]


def entries(conn, key: str | None = None, *, limit: int | None = None) -> list:
    """A record's audit entries, oldest first, or the latest `limit` without a key.

    A company's history also holds every export that sent it: an export writes one entry
    under its recipient listing the keys it sent, not one entry per company.
    """
    from ..audit import history

    found = history(conn, key, limit=limit)
    if key and key.startswith("C-"):
        from ..exporting import exports_including

        seen = {e.id for e in found}
        found = sorted([*found, *(e for e in exports_including(conn, key) if e.id not in seen)], key=lambda e: e.id)
    return found


def record_history(conn, key: str) -> tuple[list[dict[str, Any]], tuple]:
    """A record's entries for `--json`, and the History section for its card."""
    found = entries(conn, key)
    return [e.as_dict() for e in found], (N_("History"), rows(found), HISTORY_COLUMNS)
