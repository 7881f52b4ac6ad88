"""One exception tree for the whole project.

Transient errors (a broker that is still starting, a store locked for a moment) are worth a
retry; terminal errors (bad configuration, a missing tool) are not, and their messages say what
to change.
"""

from __future__ import annotations

__all__ = [
    "RefusalMonitorError",
    "TransientError",
    "TerminalError",
    "ConfigurationError",
    "InvalidTurnError",
    "InfraError",
]


class RefusalMonitorError(Exception):
    """Base class of every error this project raises on purpose."""


class TransientError(RefusalMonitorError):
    """The operation may succeed if retried later (broker not ready, store busy)."""


class TerminalError(RefusalMonitorError):
    """Retrying will not help; the message says what to fix."""


class ConfigurationError(TerminalError):
    """A setting has an unusable value."""


class InfraError(TerminalError):
    """An external service or tool could not be installed, started or reached."""


class InvalidTurnError(TerminalError):
    """A logged chat turn failed validation; ``field`` names the offending field.

    The pipeline turns these into dead-letter records rather than letting them stop the run.
    """

    def __init__(self, reason: str, field: str | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.field = field
