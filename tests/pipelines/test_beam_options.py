"""The runner options the pipeline is submitted with."""

import pytest

from pipelines.streaming import JOB_STREAM_DEADLINE_S, beam_options
from schemas import Settings


@pytest.mark.parametrize("runner", ["prism", "flink"])
def test_a_streaming_job_outlives_the_job_services_default_deadline(tmp_path, runner):
    # Beam's default job_server_timeout (300 s) is the deadline of the job's state stream: a job
    # submitted with it dies of DEADLINE_EXCEEDED after five minutes of running.
    settings = Settings(home=tmp_path, runner=runner, flink_job_server_jar=tmp_path / "job-server.jar")
    options = beam_options(settings, None).get_all_options(retain_unknown_options=True)
    assert options["job_server_timeout"] == JOB_STREAM_DEADLINE_S >= 365 * 86_400
    assert options["streaming"] is True


def test_arguments_after_the_double_dash_still_win(tmp_path):
    options = beam_options(Settings(home=tmp_path), None, ["--job_server_timeout=60"])
    assert options.get_all_options()["job_server_timeout"] == 60
