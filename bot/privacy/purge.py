"""`caunoi purge`: keep personal data only as long as needed (Decree 13/2023).

- Conversations whose newest event is older than the retention period (`--older-than DAYS`, else
  `CAUNOI_RETENTION_DAYS`, else `privacy: {retention_days: 90}` in the settings file) are deleted
  from the tracker store, all their events.
- The application code kept in clear in the `status_code` / `status_verified` slots (the dialogue
  needs it during a session, see bot/privacy/events.py) is blanked once its session is over: the
  conversation has been quiet longer than the session expiry (domain.yml), or a later session began.
- In the status store: failed verifications older than a day (the guessing limit looks back one
  hour), notification rows older than the retention period, and subscriptions to status notices that
  are done with: their file reached a final stage longer ago than the retention period, or neither the
  subscription nor its file changed within it (StatusStore.purge_subscriptions); and the languages
  senders chose that were neither chosen nor used within the retention period.

Safe beside a running assistant: each step is a few short transactions (SQLite waits its turn
behind the server's writes, which WAL keeps short), and a conversation is deleted only if it is
still stale when its DELETE runs.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import sqlalchemy as sa
import yaml

from bot.privacy.events import KEPT_SLOTS
from bot.settings import settings_section

DEFAULT_RETENTION_DAYS = 90
DEFAULT_SESSION_MINUTES = 60.0
FAILURE_RETENTION = timedelta(days=1)
_BATCH = 500  # conversations per DELETE: short transactions


@dataclass
class PurgeSummary:
    dry_run: bool
    retention_days: float
    conversations: int = 0
    events: int = 0
    status_slots: int = 0
    verify_failures: int = 0
    notifications: int = 0
    subscriptions: int = 0
    language_choices: int = 0
    trackers_found: bool = True
    status_found: bool = True

    def lines(self) -> list[str]:
        verb = "would be" if self.dry_run else "were"
        out = [f"Retention: {self.retention_days:g} days" + (" (dry run: nothing changed)" if self.dry_run else "")]
        if self.trackers_found:
            out += [f"Conversations deleted: {self.conversations} ({self.events} events)" if not self.dry_run
                    else f"Conversations to delete: {self.conversations} ({self.events} events)",
                    f"Status slot values blanked: {self.status_slots}" if not self.dry_run
                    else f"Status slot values to blank: {self.status_slots}"]
        else:
            out.append("No conversation database yet: nothing to purge there.")
        if self.status_found:
            out += [f"Failed verifications (older than a day) that {verb} deleted: {self.verify_failures}",
                    f"Notification records that {verb} deleted: {self.notifications}",
                    f"Notice subscriptions that {verb} deleted: {self.subscriptions}",
                    f"Language choices not used within the retention period that {verb} deleted: "
                    f"{self.language_choices}"]
        else:
            out.append("No status database yet: nothing to purge there.")
        return out


def retention_days(settings: Any) -> float:
    """CAUNOI_RETENTION_DAYS, else `privacy.retention_days` of the settings file, else 90."""
    value = os.environ.get("CAUNOI_RETENTION_DAYS") or ""
    source = "CAUNOI_RETENTION_DAYS"
    if not value.strip():
        section = settings_section(settings, "privacy", "retention_days")
        value, source = section.get("retention_days", DEFAULT_RETENTION_DAYS), "privacy.retention_days"
    return positive_days(value, source)


def positive_days(value: Any, source: str = "--older-than") -> float:
    try:
        days = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{source} must be a number of days, not {value!r}") from None
    if not days > 0 or days != days or days == float("inf"):
        raise ValueError(f"{source} must be more than 0 days")
    return days


def session_expiry_minutes(root: Path) -> float:
    """`session_config.session_expiration_time` of domain.yml; 60 when missing or 0 (never expires):
    the status slots are not kept for ever."""
    try:
        domain = yaml.safe_load((root / "domain.yml").read_text(encoding="utf-8")) or {}
        minutes = float((domain.get("session_config") or {}).get("session_expiration_time") or 0)
    except (OSError, ValueError, TypeError, AttributeError, yaml.YAMLError):
        minutes = 0.0
    return minutes if minutes > 0 else DEFAULT_SESSION_MINUTES


# --- tracker store -------------------------------------------------------------------------------

_STALE = "SELECT sender_id FROM events GROUP BY sender_id HAVING MAX(timestamp) < :cutoff"
_STILL_STALE = (
    "SELECT sender_id FROM events WHERE sender_id IN :senders GROUP BY sender_id HAVING MAX(timestamp) < :cutoff"
)
_KEPT = ", ".join(f"'{name}'" for name in sorted(KEPT_SLOTS))
# Status slot values whose session is over: the conversation has been quiet since the expiry, or a
# later session (or restart) began in it.
_EXPIRED_SLOTS = f"""
SELECT e.id, e.sender_id, e.data FROM events e
WHERE e.type_name = 'slot' AND e.action_name IN ({_KEPT}) AND e.data NOT LIKE '%"value": null%'
  AND (NOT EXISTS (SELECT 1 FROM events n WHERE n.sender_id = e.sender_id AND n.timestamp >= :expired)
       OR EXISTS (SELECT 1 FROM events s WHERE s.sender_id = e.sender_id AND s.id > e.id
                  AND s.type_name IN ('session_started', 'restart')))
ORDER BY e.id
"""


def _stale_senders(conn: Any, cutoff: float) -> list[str]:
    return [row[0] for row in conn.execute(sa.text(_STALE), {"cutoff": cutoff})]


def purge_conversations(
    engine: sa.engine.Engine, cutoff: float, dry_run: bool = False,
) -> tuple[int, int, set[str]]:
    """Delete every event of the conversations whose newest event is older than `cutoff` (Unix time);
    (conversations, events, their senders)."""
    with engine.connect() as conn:
        senders = _stale_senders(conn, cutoff)
        if dry_run:
            count = sa.text("SELECT COUNT(*) FROM events WHERE sender_id IN :senders").bindparams(
                sa.bindparam("senders", expanding=True))
            events = sum(conn.execute(count, {"senders": senders[i:i + _BATCH]}).scalar_one()
                         for i in range(0, len(senders), _BATCH))
            return len(senders), int(events), set(senders)
    delete = sa.text(f"DELETE FROM events WHERE sender_id IN ({_STILL_STALE})").bindparams(
        sa.bindparam("senders", expanding=True))
    conversations = events = 0
    deleted: set[str] = set()
    for i in range(0, len(senders), _BATCH):
        batch = senders[i:i + _BATCH]
        with engine.begin() as conn:  # a conversation that got a new message meanwhile is kept
            still = [row[0] for row in conn.execute(
                sa.text(_STILL_STALE).bindparams(sa.bindparam("senders", expanding=True)),
                {"senders": batch, "cutoff": cutoff})]
            if still:
                events += conn.execute(delete, {"senders": still, "cutoff": cutoff}).rowcount
                conversations += len(still)
                deleted.update(still)
    return conversations, events, deleted


def blank_status_slots(
    engine: sa.engine.Engine, expired: float, dry_run: bool = False, deleted: frozenset[str] | set[str] = frozenset(),
) -> int:
    """Set to null the kept status slot values (events.KEPT_SLOTS) of sessions over before `expired`
    (`deleted`: conversations being deleted, not counted)."""
    with engine.connect() as conn:
        rows = conn.execute(sa.text(_EXPIRED_SLOTS), {"expired": expired}).all()
    changes = []
    for event_id, sender, data in rows:
        if sender in deleted:
            continue
        try:
            parsed = json.loads(data) if data else {}
        except ValueError:
            continue
        if isinstance(parsed, dict) and parsed.get("value") is not None:
            parsed["value"] = None
            changes.append({"id": event_id, "data": json.dumps(parsed)})
    if dry_run:
        return len(changes)
    update = sa.text("UPDATE events SET data = :data WHERE id = :id")
    for i in range(0, len(changes), _BATCH):
        with engine.begin() as conn:
            conn.execute(update, changes[i:i + _BATCH])
    return len(changes)


# --- everything ----------------------------------------------------------------------------------

def purge(
    tracker_engine: sa.engine.Engine | None,
    status_store: Any | None,
    days: float,
    session_minutes: float = DEFAULT_SESSION_MINUTES,
    dry_run: bool = False,
    now: float | None = None,
) -> PurgeSummary:
    """Purge the tracker store (None: there is none yet) and the status store (None: none yet)."""
    now = time.time() if now is None else now
    summary = PurgeSummary(dry_run, days, trackers_found=tracker_engine is not None,
                           status_found=status_store is not None)
    if tracker_engine is not None:
        with tracker_engine.connect() as conn:
            has_events = sa.inspect(conn).has_table("events")
        if has_events:
            summary.conversations, summary.events, deleted = purge_conversations(
                tracker_engine, now - days * 86400, dry_run)
            summary.status_slots = blank_status_slots(tracker_engine, now - session_minutes * 60, dry_run, deleted)
    if status_store is not None:
        moment = datetime.fromtimestamp(now, timezone.utc)
        summary.verify_failures = status_store.purge_failures(moment - FAILURE_RETENTION, dry_run)
        summary.notifications = status_store.purge_notifications(moment - timedelta(days=days), dry_run)
        summary.subscriptions = status_store.purge_subscriptions(moment - timedelta(days=days), dry_run)
        summary.language_choices = status_store.purge_language_choices(moment - timedelta(days=days), dry_run)
    return summary
