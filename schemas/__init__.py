"""Contracts shared by every part of Refusal Monitor: the chat turn, the aggregate rows, settings.

This package imports nothing else of the project, so anything may import it.
"""

from schemas.aggregates import (
    MERGE,
    TABLES,
    CueWindowAggregate,
    DeadLetter,
    PaneTiming,
    ReviewSample,
    SourceProgress,
    TooLateTurn,
    WindowAggregate,
    create_table_sql,
)
from schemas.chat_turn import MAX_TEXT_CHARS, ChatTurn, FinishReason, describe_validation_error, parse_turn
from schemas.errors import (
    ConfigurationError,
    InfraError,
    InvalidTurnError,
    RefusalMonitorError,
    TerminalError,
    TransientError,
)
from schemas.settings import Settings, load_settings

__all__ = [
    "ChatTurn",
    "ConfigurationError",
    "CueWindowAggregate",
    "MERGE",
    "ReviewSample",
    "SourceProgress",
    "DeadLetter",
    "FinishReason",
    "InfraError",
    "InvalidTurnError",
    "MAX_TEXT_CHARS",
    "PaneTiming",
    "RefusalMonitorError",
    "Settings",
    "TABLES",
    "TerminalError",
    "TooLateTurn",
    "TransientError",
    "WindowAggregate",
    "create_table_sql",
    "describe_validation_error",
    "load_settings",
    "parse_turn",
]
