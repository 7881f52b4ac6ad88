"""The logged chat turn: the contract between an assistant's logger and Refusal Monitor.

One JSON object per Kafka message. Field names follow the product's own vocabulary; where the
OpenTelemetry GenAI semantic conventions name the same thing, the attribute is given in the field
description (see also docs/schema.md).
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Annotated, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, ValidationError, field_validator

from schemas.errors import InvalidTurnError

__all__ = ["ChatTurn", "FinishReason", "MAX_TEXT_CHARS", "parse_turn", "describe_validation_error"]

#: Longest prompt or response accepted. Longer texts are almost always a logging bug (a whole
#: file pasted twice, binary data); they go to the dead-letter table instead of the detectors.
MAX_TEXT_CHARS = 200_000

FinishReason = Literal["stop", "length", "content_filter", "tool_calls", "error", "other"]

_Id = Annotated[str, Field(min_length=1, max_length=256)]
_Label = Annotated[str, Field(min_length=1, max_length=128, pattern=r"^[A-Za-z0-9][A-Za-z0-9._:/@+-]*$")]
_MetaValue = str | int | float | bool | None


#: Event times outside this range are rejected: a year-9999 timestamp would overflow window arithmetic.
EARLIEST_TIMESTAMP = datetime(2000, 1, 1, tzinfo=timezone.utc)
LATEST_TIMESTAMP = datetime(2200, 1, 1, tzinfo=timezone.utc)


class ChatTurn(BaseModel):
    """One user prompt and the assistant's response, as logged by the serving stack."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    turn_id: _Id = Field(description="Unique id of this turn (OTel: gen_ai.response.id).")
    conversation_id: _Id = Field(description="Conversation the turn belongs to (OTel: gen_ai.conversation.id).")
    timestamp: AwareDatetime = Field(
        description="When the response was produced; event time for windowing. Must carry a timezone."
    )
    model_version: _Label = Field(description="Model that answered (OTel: gen_ai.response.model).")
    feature: _Label = Field(description="Product feature / surface that served the turn, e.g. coding_assistant.")
    prompt: str = Field(max_length=MAX_TEXT_CHARS, description="The user's message (OTel: gen_ai.input.messages).")
    response: str = Field(
        max_length=MAX_TEXT_CHARS, description="The assistant's reply (OTel: gen_ai.output.messages)."
    )
    locale: Annotated[str, Field(max_length=35)] | None = Field(
        default=None, description="BCP 47 language tag of the user, e.g. de-DE."
    )
    latency_ms: Annotated[float, Field(ge=0, le=86_400_000)] | None = Field(
        default=None, description="Server-side time to the full response (OTel metric gen_ai.client.operation.duration, in ms)."
    )
    input_tokens: Annotated[int, Field(ge=0)] | None = Field(
        default=None, description="Prompt tokens (OTel: gen_ai.usage.input_tokens)."
    )
    output_tokens: Annotated[int, Field(ge=0)] | None = Field(
        default=None, description="Completion tokens (OTel: gen_ai.usage.output_tokens)."
    )
    finish_reason: FinishReason | None = Field(
        default=None, description="Why generation stopped (OTel: gen_ai.response.finish_reasons, first entry)."
    )
    metadata: dict[Annotated[str, Field(max_length=128)], _MetaValue] = Field(
        default_factory=dict, description="Free key/value context from the logger (flat, scalar values)."
    )

    @field_validator("timestamp", mode="before")
    @classmethod
    def _iso_string(cls, value: object) -> object:
        # An epoch number would be accepted by pydantic, but the read judges lateness from the
        # raw message and reads only ISO strings there: one reading, or the two could disagree.
        if not isinstance(value, str):
            raise ValueError("must be an ISO 8601 string with a timezone, e.g. 2026-11-28T10:00:00+00:00")
        return value

    @field_validator("timestamp")
    @classmethod
    def _in_range(cls, value: datetime) -> datetime:
        if not EARLIEST_TIMESTAMP <= value <= LATEST_TIMESTAMP:
            raise ValueError(f"must be between {EARLIEST_TIMESTAMP.date()} and {LATEST_TIMESTAMP.date()}, got {value.isoformat()}")
        return value

    @property
    def event_time(self) -> datetime:
        """Event time used for windowing (an alias that reads well in pipeline code)."""
        return self.timestamp


def describe_validation_error(exc: ValidationError) -> tuple[str, str | None]:
    """Turn pydantic's error list into one readable reason and the first offending field."""
    parts: list[str] = []
    first_field: str | None = None
    for err in exc.errors(include_url=False, include_input=False):
        loc = ".".join(str(p) for p in err.get("loc", ())) or None
        if first_field is None:
            first_field = loc
        if err.get("type") == "json_invalid":
            parts.append(f"not valid JSON: {err.get('msg')}")
        elif loc is None:
            parts.append(str(err.get("msg")))
        else:
            parts.append(f"field '{loc}': {err.get('msg')}")
    return "; ".join(parts[:5]) + (f" (+{len(parts) - 5} more)" if len(parts) > 5 else ""), first_field


def parse_turn(raw: bytes | str) -> ChatTurn:
    """Validate one Kafka message value; raise InvalidTurnError naming the field on failure."""
    if raw is None or len(raw) == 0:
        raise InvalidTurnError("empty message value", field=None)
    if isinstance(raw, bytes) and len(raw) > 4 * MAX_TEXT_CHARS + 65_536:
        raise InvalidTurnError(f"message of {len(raw)} bytes exceeds the size limit", field=None)
    try:
        turn = ChatTurn.model_validate_json(raw)
    except ValidationError as exc:
        reason, field = describe_validation_error(exc)
        raise InvalidTurnError(reason, field=field) from None
    if not turn.response.strip() and turn.finish_reason != "content_filter":
        # An empty answer is a logging bug unless the serving stack says a filter removed it.
        raise InvalidTurnError(
            "field 'response': empty (accepted only with finish_reason 'content_filter')", field="response")
    return turn
