"""Access: the local broker with a SASL_PLAINTEXT listener (SASL/PLAIN, one user from the settings).

A broker of the test's own is started with ``RM_KAFKA_LOCAL_SASL=true``; the project's own clients
log in with the settings' user and password: the admin client (``infra.ensure_topics``), the
generator's producer, the Python Kafka read (the consumer the recomputation uses) and a bounded
pipeline run of the CLI. A wrong password is refused with a clear error that names the user and
says which settings to check, and no output or log of any of it contains the password.
"""

from __future__ import annotations

import secrets
import stat
import subprocess
import sys
import time

import pytest
from pydantic import SecretStr

from infra import KafkaServer, ensure_topics, throwaway_broker
from pipelines.generator import GeneratorConfig, generate_records, produce
from pipelines.services import dashboard_command, settings_env
from pipelines.sql import run_query
from schemas import ConfigurationError, Settings, TransientError
from tests.conftest import PROJECT_ROOT
from tests.integration.recompute import read_topic

PASSWORD = f"pw-{secrets.token_hex(12)}"  # distinctive, so a leak is found by grep


@pytest.fixture(scope="module")
def sasl_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    home = tmp_path_factory.mktemp("rm-sasl")
    with throwaway_broker(
        home, cache_dir=PROJECT_ROOT / ".cache", store_path=home / "store.duckdb", kafka_local_sasl=True,
        kafka_security_protocol="SASL_PLAINTEXT", kafka_sasl_mechanism="PLAIN", kafka_sasl_username="rm-test",
        kafka_sasl_password=PASSWORD, topic_turns="sasl-turns", topic_dead_letter="sasl-dlq",
        topic_alerts="sasl-alerts", consumer_group="rm-sasl", window_seconds=60, early_firing_seconds=1,
    ) as settings:
        yield settings


def _wrong(settings: Settings, **update) -> Settings:
    # model_copy does not validate: a secret must be given as SecretStr
    return settings.model_copy(update={"kafka_sasl_password": SecretStr("not-the-password"), **update})


def _all_logs(settings: Settings) -> str:
    """Everything the broker wrote (its log and log4j files), not its config file."""
    kafka_home = settings.home.resolve() / "kafka"
    data = kafka_home / "data"  # the topics' segment files are data, not logs
    texts = [p.read_text(errors="replace") for p in kafka_home.rglob("*.log") if p.is_file() and data not in p.parents]
    return "\n".join(texts)


@pytest.mark.integration
@pytest.mark.slow
def test_project_clients_log_in_with_the_settings(sasl_settings, prism_path):
    settings = sasl_settings
    config = (settings.home.resolve() / "kafka" / "server.properties")
    assert "SASL_PLAINTEXT://127.0.0.1:" in config.read_text()
    assert stat.S_IMODE(config.stat().st_mode) == 0o600, "server.properties holds the password: owner-only"

    topics = ensure_topics(settings)
    assert topics[settings.topic_turns] == settings.turns_partitions

    cfg = GeneratorConfig(count=200, seed=3, malformed_share=0.05, late_share=0.0)
    report = produce(generate_records(cfg), settings.kafka_client_config(), settings.topic_turns)
    assert (report.delivered, report.failed) == (200, 0), report.errors
    assert len(read_topic(settings)) == 200  # the Python Kafka consumer logs in too

    run = subprocess.run([sys.executable, "-m", "pipelines.cli", "run", "--until-idle", "4"],
                         env=settings_env(settings), capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, (run.stdout + run.stderr)[-3000:]
    _, [(read, dead)] = run_query(settings.snapshot_file, "SELECT (SELECT sum(next_offset - start_offset) FROM "
                                                          "source_progress), (SELECT count(*) FROM dead_letters)")
    assert read == 200 and dead > 0

    gen = subprocess.run([sys.executable, "-m", "pipelines.cli", "generate", "--count", "20"],
                         env=settings_env(settings), capture_output=True, text=True, timeout=300)
    assert gen.returncode == 0, gen.stderr[-2000:]
    for name, text in (("run", run.stdout + run.stderr), ("generate", gen.stdout + gen.stderr),
                       ("broker logs", _all_logs(settings))):
        assert PASSWORD not in text, f"the password appears in the {name} output"
    assert "Successfully logged in" in _all_logs(settings)


@pytest.mark.integration
def test_a_wrong_password_is_refused_with_a_clear_error(sasl_settings):
    wrong = _wrong(sasl_settings)
    started = time.monotonic()
    with pytest.raises(ConfigurationError) as caught:
        ensure_topics(wrong, timeout_s=60)
    message = str(caught.value)
    print(message)
    assert time.monotonic() - started < 30, "an authentication failure is not retried until the time-out"
    assert "refused the login of user 'rm-test'" in message and "RM_KAFKA_SASL_PASSWORD" in message
    assert "not-the-password" not in message and PASSWORD not in message

    cfg = GeneratorConfig(count=3, seed=1)
    report = produce(generate_records(cfg), wrong.kafka_client_config(), wrong.topic_turns, delivery_timeout_s=5)
    assert (report.sent, report.delivered, report.failed) == (3, 0, 3)
    assert any("authentication" in n.lower() for n in report.broker_notes), report.broker_notes

    # the CLI: one clear line, exit 2, no secret
    cli = subprocess.run([sys.executable, "-m", "pipelines.cli", "generate", "--count", "5"],
                         env=settings_env(wrong), capture_output=True, text=True, timeout=120)
    assert cli.returncode == 2, cli.stdout + cli.stderr
    assert "refused the login of user 'rm-test'" in cli.stderr
    assert "not-the-password" not in cli.stdout + cli.stderr


@pytest.mark.integration
def test_a_client_without_sasl_cannot_use_the_broker(sasl_settings):
    plain = sasl_settings.model_copy(update={"kafka_security_protocol": "PLAINTEXT", "kafka_sasl_mechanism": None,
                                             "kafka_sasl_username": None, "kafka_sasl_password": None})
    with pytest.raises(TransientError, match="cannot reach Kafka"):
        ensure_topics(plain, timeout_s=5)


def test_local_sasl_needs_a_user_and_matching_client_settings(tmp_path):
    base = Settings(home=tmp_path, kafka_local_sasl=True)
    with pytest.raises(ConfigurationError, match="RM_KAFKA_SASL_USERNAME and RM_KAFKA_SASL_PASSWORD"):
        KafkaServer(base)._sasl_props()
    half = base.model_copy(update={"kafka_sasl_username": "u", "kafka_sasl_password": SecretStr("p")})
    with pytest.raises(ConfigurationError, match="RM_KAFKA_SECURITY_PROTOCOL=SASL_PLAINTEXT"):
        KafkaServer(half)._sasl_props()
    odd = half.model_copy(update={"kafka_sasl_username": "a b", "kafka_security_protocol": "SASL_PLAINTEXT",
                                  "kafka_sasl_mechanism": "PLAIN"})
    with pytest.raises(ConfigurationError, match="letters, digits"):
        KafkaServer(odd)._sasl_props()


def test_secrets_are_masked_in_settings_and_the_dashboard_binds_to_localhost(tmp_path):
    settings = Settings(home=tmp_path, kafka_sasl_password=PASSWORD)
    assert PASSWORD not in repr(settings) and PASSWORD not in str(settings)
    assert PASSWORD not in settings.model_dump_json()
    assert Settings().dashboard_host == "127.0.0.1"
    command = dashboard_command(Settings())
    assert command[command.index("--server.address") + 1] == "127.0.0.1"
