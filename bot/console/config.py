"""Console settings: the `console:` section of caunoi.yml, each with a safe default.

    console:
      idle_minutes: 30        # a session unused this long is over
      max_hours: 12           # and none lasts longer than a working day
      upload_mb: 5            # the largest status export accepted
      account_failures: 5     # wrong passwords for one account within the window lock it
      address_failures: 20    # wrong passwords from one address within the window lock that address
      lock_minutes: 15        # the window, and how long a lock lasts
"""

from __future__ import annotations

from dataclasses import dataclass, fields

from bot.settings import Settings, settings_section


@dataclass(frozen=True)
class ConsoleConfig:
    idle_minutes: float = 30
    max_hours: float = 12
    upload_mb: float = 5
    account_failures: int = 5
    address_failures: int = 20
    lock_minutes: float = 15

    @property
    def upload_bytes(self) -> int:
        return int(self.upload_mb * 1024 * 1024)


def console_config(settings: Settings) -> ConsoleConfig:
    names = [f.name for f in fields(ConsoleConfig)]
    section = settings_section(settings, "console", ", ".join(names))
    values = {}
    for f in fields(ConsoleConfig):
        if f.name not in section:
            continue
        raw = section[f.name]
        try:
            value = float(raw)
        except (TypeError, ValueError):
            value = float("nan")
        if value != value or (f.type == "int" and not value.is_integer()):  # nan: not a number at all
            kind = "a whole number" if f.type == "int" else "a number"
            raise ValueError(f"console.{f.name} must be {kind}, not {raw!r}") from None
        if f.type == "int":
            value = int(value)
        if not value > 0:
            raise ValueError(f"console.{f.name} must be above 0, not {raw!r}")
        values[f.name] = value
    unknown = set(section) - set(names)
    if unknown:
        raise ValueError(f"console: unknown setting {sorted(unknown)[0]!r} (known: {', '.join(names)})")
    return ConsoleConfig(**values)
