"""Starts, stops and installs the external services Refusal Monitor needs on a local machine.

Only the CLI and the tests reach into this package. Nothing here runs at import time.
"""

from infra.beam_runtime import ensure_prism
from infra.kafka_server import KafkaServer, throwaway_broker
from infra.topics import ensure_topics

__all__ = ["KafkaServer", "ensure_prism", "ensure_topics", "throwaway_broker"]
