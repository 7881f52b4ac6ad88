"""Beam pipelines of Refusal Monitor and the code around them.

Reading the file names follows a turn: ``kafka_source`` (it enters) -> ``parse`` (validated or
dead-lettered) -> ``classify`` (detectors label it) -> ``aggregate`` (windowed counts) ->
``landing``/``store`` (DuckDB). ``streaming`` wires them into the unbounded job; ``cli`` is the
``refusal-monitor`` command; ``generator`` makes demo traffic. Importing this package does nothing.
"""
