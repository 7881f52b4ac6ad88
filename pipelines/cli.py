"""``refusal-monitor``: one command for the whole product. ``refusal-monitor <command> --help``.

Every command reads the one ``Settings`` object (environment ``RM_*``); flags override fields.
Errors of our own (``RefusalMonitorError``) print one clear line and exit 2; nothing else is caught.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Callable, Sequence

from schemas import RefusalMonitorError, Settings, load_settings

__all__ = ["main", "build_parser"]


def _settings(args: argparse.Namespace, **extra: object) -> Settings:
    return load_settings(
        kafka_port=getattr(args, "kafka_port", None),
        store_path=getattr(args, "store", None),
        **extra,
    )


# -- kafka ---------------------------------------------------------------------------------------
def cmd_kafka(args: argparse.Namespace) -> int:
    from infra import KafkaServer, ensure_topics

    settings = _settings(args)
    server = KafkaServer(settings)
    if args.action == "install":
        print(f"kafka jars in {server.install()}")
    elif args.action == "up":
        status = server.up()
        topics = ensure_topics(settings)
        print(status.describe())
        print("topics: " + ", ".join(f"{t} ({n} partitions)" for t, n in topics.items()))
    elif args.action == "down":
        if not server.down():
            print("kafka did not stop; see its log", file=sys.stderr)
            return 1
        print("kafka stopped")
    else:
        status = server.status()
        print(status.describe())
        return 0 if status.running else 3
    return 0


# -- generate ------------------------------------------------------------------------------------
def cmd_generate(args: argparse.Namespace) -> int:
    from infra import ensure_topics
    from pipelines.generator import GeneratorConfig, generate_records, produce
    from infra.tooling import progress

    settings = _settings(args)
    ensure_topics(settings)
    count = None if args.forever else args.count
    cfg = GeneratorConfig(
        count=count,
        seed=args.seed,
        scenario=args.scenario,
        live=args.forever or args.live,
        span_seconds=args.rollout_seconds,
        malformed_share=args.malformed_share,
        late_share=args.late_share,
    )
    what = "forever" if count is None else f"{count} turns"
    progress(f"producing {what} to {settings.topic_turns} at {args.rate or 'max'} /s (scenario {args.scenario}, seed {args.seed})")
    report = produce(
        generate_records(cfg), settings.kafka_client_config(), settings.topic_turns, rate_per_s=args.rate or None,
        on_progress=lambda r: progress(f"sent {r.sent}, delivered {r.delivered}, failed {r.failed}"),
    )
    print(f"sent {report.sent}, delivered {report.delivered}, failed {report.failed}")
    for err in report.errors:
        print(f"  delivery error: {err}", file=sys.stderr)
    return 1 if report.failed else 0


# -- run -----------------------------------------------------------------------------------------
def cmd_run(args: argparse.Namespace) -> int:
    import logging

    from infra import ensure_prism, ensure_topics
    from infra.processes import limit_malloc_arenas
    from pipelines.streaming import RunMode, run

    limit_malloc_arenas()  # a process that runs for weeks: before Beam's threads start (docs/performance.md)
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    settings = _settings(
        args,
        window_seconds=args.window_seconds,
        allowed_lateness_seconds=args.allowed_lateness_seconds,
        early_firing_seconds=args.early_firing_seconds,
        runner=args.runner,
        read_from=args.read_from,
        kafka_read_path=args.read_path,
        flink_parallelism=args.parallelism,
    )
    if settings.runner == "flink":
        from infra.flink_job_server import with_flink_job_server

        settings = with_flink_job_server(settings)  # mvn fetches the job-server jar on first use
    ensure_topics(settings)
    prism = str(ensure_prism(settings)) if settings.runner == "prism" else None
    mode = RunMode(stop_at_end=args.to_end, idle_stop_s=args.until_idle)
    expansion = None
    if settings.kafka_read_path == "xlang":
        from infra.expansion_service import ExpansionService

        expansion = ExpansionService(settings)
        if expansion.status().running:
            expansion = None  # someone else's: leave it running
        else:
            expansion.up()
    print(
        f"pipeline: {settings.topic_turns} @ {settings.bootstrap_servers} -> {settings.store_file} "
        f"(windows {settings.window_seconds}s, runner {settings.runner}, read path {settings.kafka_read_path}); Ctrl-C stops",
        file=sys.stderr, flush=True,
    )
    try:
        run(settings, mode, prism_path=prism, extra_args=args.beam_args)
    finally:
        if expansion is not None:
            expansion.down()
    return 0


# -- backfill ------------------------------------------------------------------------------------
def _offsets(text: str | None) -> dict[int, int] | None:
    """"0:120,1:98" -> {0: 120, 1: 98}."""
    if not text:
        return None
    try:
        return {int(p): int(o) for p, o in (item.split(":") for item in text.split(","))}
    except ValueError:
        from schemas import ConfigurationError

        raise ConfigurationError(f"offsets must look like 0:120,1:98 (partition:offset), got {text!r}") from None


def _time_ms(text: str | None) -> int | None:
    if not text:
        return None
    from datetime import datetime

    from schemas import ConfigurationError

    try:
        when = datetime.fromisoformat(text)
    except ValueError:
        raise ConfigurationError(f"times must be ISO 8601 with a zone, e.g. 2026-11-28T10:00:00+00:00, got {text!r}") from None
    if when.tzinfo is None:
        raise ConfigurationError(f"time {text!r} has no zone; add +00:00 or Z")
    return int(when.timestamp() * 1000)


def cmd_backfill(args: argparse.Namespace) -> int:
    """The streaming pipeline over a bounded input, into the same or another store."""
    import logging
    import threading
    import time

    from infra import ensure_prism
    from infra.tooling import progress
    from pipelines.conservation import balance
    from pipelines.kafka_source import ReadBounds
    from pipelines.streaming import RunMode, run

    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    settings = _settings(
        args, window_seconds=args.window_seconds, allowed_lateness_seconds=args.allowed_lateness_seconds,
        runner=args.runner, kafka_read_path="python",
    )
    bounds = ReadBounds(
        from_offsets=_offsets(args.from_offsets), to_offsets=_offsets(args.to_offsets),
        from_time_ms=_time_ms(args.from_time), to_time_ms=_time_ms(args.to_time),
    )
    files = tuple(Path(f) for f in args.files)
    mode = RunMode(stop_at_end=True, bounds=bounds, files=files, publish_dead_letters=False)
    prism = str(ensure_prism(settings)) if settings.runner == "prism" else None
    source = ", ".join(map(str, files)) if files else f"{settings.topic_turns} @ {settings.bootstrap_servers}"
    progress(f"backfill: {source} -> {settings.store_file}")
    done = threading.Event()

    def report() -> None:  # progress from the published snapshot while Beam runs
        start = time.monotonic()
        while not done.wait(5):
            try:
                b = balance(settings.snapshot_file)
            except Exception:  # nothing published yet
                continue
            progress(f"  {time.monotonic() - start:5.0f}s: read {b.read}, counted {b.aggregated}, "
                     f"dead-lettered {b.dead_lettered}, too late {b.too_late}, duplicates {b.duplicates}")

    reporter = threading.Thread(target=report, daemon=True)
    reporter.start()
    try:
        run(settings, mode, prism_path=prism)
    finally:
        done.set()
    b = balance(settings.snapshot_file)
    print(f"backfill done: read {b.read}, counted {b.aggregated}, dead-lettered {b.dead_lettered}, "
          f"too late {b.too_late}, duplicates {b.duplicates}, unaccounted {b.unaccounted}")
    return 0 if b.holds else 1


# -- conservation --------------------------------------------------------------------------------
def cmd_conservation(args: argparse.Namespace) -> int:
    from pipelines.conservation import balance

    b = balance(_settings(args).snapshot_file)
    if args.json:
        print(json.dumps(b.to_dict()))
    else:
        print(f"read {b.read} = counted {b.aggregated} + dead-lettered {b.dead_lettered} + too late {b.too_late}"
              f" + duplicates {b.duplicates} + unaccounted {b.unaccounted}: {'holds' if b.holds else 'DOES NOT HOLD (in flight, or lost)'}")
    return 0 if b.holds else 1


# -- sql -----------------------------------------------------------------------------------------
def cmd_sql(args: argparse.Namespace) -> int:
    from pipelines.sql import format_table, run_query

    settings = _settings(args)
    columns, rows = run_query(settings.snapshot_file, args.query)
    if args.json:
        print(json.dumps([dict(zip(columns, r)) for r in rows], default=str, indent=None))
    else:
        print(format_table(columns, rows))
    return 0


# -- check ---------------------------------------------------------------------------------------
def cmd_check(args: argparse.Namespace) -> int:
    import time

    from pipelines.quality.alerts import alert_payload, publish_alert
    from pipelines.quality.run import format_failures, open_quality_store, run_check, store_results
    from schemas import TransientError

    settings = _settings(args)
    store = open_quality_store(settings)
    try:
        while True:
            started = time.monotonic()
            try:
                report = run_check(settings, suite=args.suite, data_docs_dir=args.data_docs)
            except TransientError as exc:
                if args.every is None:
                    raise
                print(f"refusal-monitor check: {exc}; retrying in {args.every:.0f}s", file=sys.stderr, flush=True)
                time.sleep(args.every)
                continue
            store_results(store, report.results)
            if args.json:
                print(json.dumps({"run_id": report.run_id, "ok": report.ok, "notes": report.notes,
                                  "results": [r.model_dump(mode="json") for r in report.results]}), flush=True)
            else:
                print(format_failures(report), flush=True)
            if report.data_docs:
                print(f"data docs: {report.data_docs}", file=sys.stderr)
            if report.failed and not args.no_alert:
                try:
                    publish_alert(settings, alert_payload(report.run_id, report.checked_at.isoformat(), report.results))
                except TransientError as exc:
                    if args.every is None:
                        raise
                    # Continuous mode outlives a broker blip: say so loudly; the failure is stored and
                    # the next failing run alerts again.
                    print(f"refusal-monitor check: ALERT NOT DELIVERED for run {report.run_id}: {exc}",
                          file=sys.stderr, flush=True)
            if args.every is None:
                return 0 if report.ok else 1
            time.sleep(max(0.0, args.every - (time.monotonic() - started)))
    finally:
        store.close()


# -- weekly report -------------------------------------------------------------------------------
def cmd_report(args: argparse.Namespace) -> int:
    from datetime import datetime, timezone

    from dashboards.queries import iso_week_of
    from dashboards.report import write_weekly_report

    settings = _settings(args, reports_dir=args.out)
    week = args.week or iso_week_of(datetime.now(timezone.utc))
    try:
        html_path, md_path = write_weekly_report(settings, week)
    except ValueError as exc:
        print(f"refusal-monitor report: {exc}", file=sys.stderr)
        return 2
    print(f"report: {html_path}\nsummary: {md_path}")
    return 0


# -- alerts --------------------------------------------------------------------------------------
def cmd_alerts(args: argparse.Namespace) -> int:
    import time
    from datetime import datetime, timedelta, timezone

    from pipelines.alerts.run import format_alerts, run_alerts
    from pipelines.alerts.store import alerts_snapshot_path, open_alert_store, recent_alerts
    from schemas import TransientError

    settings = _settings(args)
    if args.action == "list":
        since = datetime.now(timezone.utc) - timedelta(hours=args.since_hours) if args.since_hours else None
        alerts = recent_alerts(alerts_snapshot_path(settings), since, args.limit)
        if args.json:
            print(json.dumps([a.model_dump(mode="json") for a in alerts]))
        else:
            print(format_alerts(alerts))
        return 0
    import logging

    # the log sink: one line per alert sent or suppressed, on stderr
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    every = (args.every or settings.alerts.every_seconds) if args.action == "watch" else None
    at = datetime.fromisoformat(args.at) if args.at else None
    if at is not None and at.tzinfo is None:
        at = at.replace(tzinfo=timezone.utc)
    store = open_alert_store(settings)
    try:
        while True:
            started = time.monotonic()
            try:
                report = run_alerts(settings, store, now=at, send=not args.no_send)
            except TransientError as exc:
                if every is None:
                    raise
                print(f"refusal-monitor alerts: {exc}; retrying in {every:.0f}s", file=sys.stderr, flush=True)
                time.sleep(every)
                continue
            if args.json:
                print(json.dumps({"checked_at": report.checked_at.isoformat(), "n_tests": report.n_tests,
                                  "sent": [a.alert_id for a in report.sent], "errors": report.errors,
                                  "alerts": [a.model_dump(mode="json") for a in report.alerts]}), flush=True)
            else:
                print(f"alerts run at {report.checked_at.isoformat(timespec='seconds')}: {report.n_tests} key-metric "
                      f"tests, {len(report.alerts)} alerts, {len(report.sent)} sent, {len(report.suppressed)} "
                      f"suppressed (cooldown)", flush=True)
                if report.alerts:
                    print(format_alerts(report.alerts), flush=True)
            for alert_id, error in report.errors.items():
                # never silent: the alert stays pending in the store and the next run retries it
                print(f"refusal-monitor alerts: ALERT NOT DELIVERED {alert_id}: {error}", file=sys.stderr, flush=True)
            if every is None:
                return 1 if report.errors else 0
            time.sleep(max(0.0, every - (time.monotonic() - started)))
    finally:
        store.close()


# -- dashboard and demo --------------------------------------------------------------------------
def cmd_dashboard(args: argparse.Namespace) -> int:
    from pipelines.services import run_dashboard

    settings = _settings(args, dashboard_port=args.port)
    return run_dashboard(settings)


def cmd_demo(args: argparse.Namespace) -> int:
    from pipelines.services import run_demo

    settings = _settings(args, dashboard_port=args.port, window_seconds=args.window_seconds)
    return run_demo(settings, rate=args.rate, scenario=args.scenario, duration_s=args.duration)


# -- detectors -----------------------------------------------------------------------------------
def cmd_detect(args: argparse.Namespace) -> int:
    from detectors.batch import score_lines

    source = sys.stdin if args.file in (None, "-") else open(args.file, encoding="utf-8", errors="replace")
    errors = 0
    with source:
        for result in score_lines(source):
            errors += "error" in result
            sys.stdout.write(json.dumps(result, ensure_ascii=False) + "\n")
    if errors:
        print(f"{errors} input line(s) could not be scored (see their 'error' field)", file=sys.stderr)
    return 0


def cmd_eval(args: argparse.Namespace) -> int:
    from detectors.evaluate import XSTestDataError, evaluate_xstest, format_xstest_report

    try:
        result = evaluate_xstest(Path(args.data))
    except XSTestDataError as exc:  # the detectors import nothing of ours: their error, our one clear line
        print(f"refusal-monitor eval: {exc} (give the directory with --data)", file=sys.stderr)
        return 2
    print(json.dumps(result, indent=2, default=str) if args.json else format_xstest_report(result))
    return 0


# -- parser --------------------------------------------------------------------------------------
def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="refusal-monitor",
        description="Watch LLM-assistant traffic for refusals and over-refusals (Kafka -> Beam -> DuckDB -> Streamlit).",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--kafka-port", type=int, help="local broker port (default RM_KAFKA_PORT or 29092)")
    common.add_argument("--store", type=Path, help="DuckDB store the pipeline writes (default RM_STORE_PATH or var/refusal_monitor.duckdb)")

    def add(name: str, fn: Callable[[argparse.Namespace], int], help_: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, parents=[common], help=help_, description=help_)
        p.set_defaults(func=fn)
        return p

    p = add("kafka", cmd_kafka, "Install, start, stop or inspect the local single-node Kafka broker (KRaft).")
    p.add_argument("action", choices=["install", "up", "down", "status"])

    p = add("generate", cmd_generate, "Produce realistic chat turns (plus a few malformed and late ones) to Kafka.")
    p.add_argument("--count", type=int, default=1000, help="turns to produce (default 1000)")
    p.add_argument("--forever", action="store_true", help="produce until interrupted, stamped with the wall clock")
    p.add_argument("--live", action="store_true", help="stamp turns with the wall clock even with --count")
    p.add_argument("--rate", type=float, default=50.0, help="turns per second; 0 = as fast as possible (default 50)")
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--scenario", choices=["steady", "over_refusal"], default="steady",
                   help="over_refusal: the new model version over-refuses benign prompts with trigger words")
    p.add_argument("--rollout-seconds", type=float, default=600.0, help="event-time span of the rollout to the new version")
    p.add_argument("--malformed-share", type=float, default=0.02)
    p.add_argument("--late-share", type=float, default=0.03)

    p = add("run", cmd_run, "Run the streaming pipeline: Kafka turns -> detectors -> windowed counts -> DuckDB.")
    p.add_argument("--window-seconds", type=int)
    p.add_argument("--allowed-lateness-seconds", type=int)
    p.add_argument("--early-firing-seconds", type=int)
    p.add_argument("--runner", choices=["prism", "direct", "flink", "dataflow"],
                   help="prism: local (default); flink: Beam's portable Flink runner, an embedded cluster unless "
                        "RM_FLINK_MASTER names one; dataflow: Google Cloud Dataflow, options after -- (docs/deploy.md)")
    p.add_argument("--parallelism", type=int, metavar="N", help="Flink parallelism (RM_FLINK_PARALLELISM, default 2)")
    p.add_argument("--read-from", choices=["earliest", "latest"])
    p.add_argument("--read-path", choices=["python", "xlang"],
                   help="python: splittable DoFn over a Kafka client (default); xlang: Beam Java KafkaIO (ReadFromKafka), "
                        "started with a local expansion service")
    p.add_argument("--to-end", action="store_true", help="stop at the topic's current end (a bounded run)")
    p.add_argument("--until-idle", type=float, metavar="SECONDS", help="stop after this long without new records")
    p.add_argument("beam_args", nargs="*", help="extra Beam pipeline options after --, e.g. -- --prism_log_level=info")

    p = add("backfill", cmd_backfill, "Compute the same tables from a bounded range of the topic or from JSON Lines "
                                      "files, with the same transforms; exit 1 if conservation does not hold.")
    p.add_argument("files", nargs="*", type=Path, help="JSON Lines files to read instead of the topic")
    p.add_argument("--from-offsets", metavar="P:O,...", help="start offsets per partition (default: earliest)")
    p.add_argument("--to-offsets", metavar="P:O,...", help="stop offsets per partition, exclusive (default: the end)")
    p.add_argument("--from-time", metavar="ISO", help="start at the first message with a Kafka timestamp at or after this")
    p.add_argument("--to-time", metavar="ISO", help="stop before the first message at or after this")
    p.add_argument("--window-seconds", type=int)
    p.add_argument("--allowed-lateness-seconds", type=int)
    p.add_argument("--runner", choices=["prism", "direct"])

    p = add("conservation", cmd_conservation, "Check that every record read is counted, dead-lettered, too late or a duplicate; "
                                              "exit 1 if not (while running: what is in flight).")
    p.add_argument("--json", action="store_true")

    p = add("sql", cmd_sql, "Run a read-only SQL query against the published aggregate store.")
    p.add_argument("query")
    p.add_argument("--json", action="store_true", help="print rows as a JSON array")

    p = add("check", cmd_check, "Run the data-quality checks (Great Expectations) on input turns and aggregates; "
                                "exit 1 if an expectation failed.")
    p.add_argument("--suite", choices=["aggregates", "inputs", "all"], default="all")
    p.add_argument("--every", type=float, metavar="SECONDS", help="run continuously, every SECONDS")
    p.add_argument("--no-alert", action="store_true", help="do not send a data_quality alert to RM_TOPIC_ALERTS on failure")
    p.add_argument("--json", action="store_true", help="print every result as JSON")
    p.add_argument("--data-docs", type=Path, metavar="DIR", help="also write Great Expectations Data Docs (HTML) to DIR")

    p = add("alerts", cmd_alerts, "Refusal and over-refusal alerts (docs/alerts.md): list recent ones, run the engine "
                                  "once, or watch continuously; exit 1 if an alert could not be delivered.")
    p.add_argument("action", nargs="?", choices=["list", "run", "watch"], default="list",
                   help="list (default): recent alerts from the engine's store; run: one engine run; watch: run every --every seconds")
    p.add_argument("--every", type=float, metavar="SECONDS", help="watch interval (default RM_ALERTS__EVERY_SECONDS, 60)")
    p.add_argument("--since-hours", type=float, metavar="HOURS", help="list: only alerts seen in the last HOURS")
    p.add_argument("--limit", type=int, default=50, help="list: at most this many alerts (default 50)")
    p.add_argument("--no-send", action="store_true", help="run/watch: store and log alerts but send nothing to Kafka or the webhook")
    p.add_argument("--at", metavar="ISO_TIME", help="run/watch: evaluate as of this time instead of now (replays)")
    p.add_argument("--json", action="store_true", help="print JSON")

    p = add("dashboard", cmd_dashboard, "Serve the Streamlit dashboard on localhost.")
    p.add_argument("--port", type=int)

    p = add("report", cmd_report, "Write the weekly review of one ISO week: a self-contained HTML report and a "
                                  "Markdown summary (docs/dashboard.md).")
    p.add_argument("--week", help="ISO week, e.g. 2026-W47 (default: the current week)")
    p.add_argument("--out", type=Path, metavar="DIR", help="output folder (default RM_REPORTS_DIR or RM_HOME/reports)")

    p = add("demo", cmd_demo, "Start Kafka, the traffic generator, the pipeline and the dashboard; Ctrl-C stops all.")
    p.add_argument("--port", type=int, help="dashboard port")
    p.add_argument("--rate", type=float, default=30.0, help="generated turns per second (default 30)")
    p.add_argument("--scenario", choices=["steady", "over_refusal"], default="over_refusal")
    p.add_argument("--window-seconds", type=int, default=60, help="window size for the demo (default 60)")
    p.add_argument("--duration", type=float, help="stop by itself after this many seconds")

    p = add("detect", cmd_detect, "Score JSON Lines ({response, prompt?, id?}) with the detectors; one JSON line out per line in.")
    p.add_argument("file", nargs="?", default="-", help="input file, or - for stdin")

    p = add("eval", cmd_eval, "Evaluate the detectors on a benchmark (XSTest).")
    p.add_argument("benchmark", choices=["xstest"])
    p.add_argument("--data", default=str(Path(__file__).resolve().parents[1].parent / "shared" / "benchmarks" / "xstest"),
                   help="XSTest folder (default ../shared/benchmarks/xstest)")
    p.add_argument("--json", action="store_true")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except RefusalMonitorError as exc:
        print(f"refusal-monitor {args.command}: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"refusal-monitor {args.command}: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
