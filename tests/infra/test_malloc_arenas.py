"""The pipeline process caps glibc's malloc arenas (a soak's memory crept up with one per thread)."""
from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest

from tests.conftest import PROJECT_ROOT

# Eight threads that each allocate and hold a block malloc serves (not pymalloc's small objects),
# then glibc's malloc_stats() prints one "Arena N:" block per arena to stderr.
_CHILD = textwrap.dedent("""
    import ctypes, sys, threading
    from infra.processes import limit_malloc_arenas
    print(limit_malloc_arenas() if sys.argv[1] == "limit" else None, flush=True)
    barrier = threading.Barrier(8)
    held = []
    def work():
        held.append(bytearray(200_000))
        barrier.wait()
    threads = [threading.Thread(target=work) for _ in range(8)]
    for t in threads: t.start()
    for t in threads: t.join()
    ctypes.CDLL("libc.so.6").malloc_stats()
""")

glibc_only = pytest.mark.skipif(not sys.platform.startswith("linux") or os.confstr("CS_GNU_LIBC_VERSION") is None,
                                reason="M_ARENA_MAX is glibc's")


def _arenas(mode: str, env_extra: dict[str, str] | None = None) -> tuple[str, int]:
    env = {k: v for k, v in os.environ.items() if k != "MALLOC_ARENA_MAX"}
    env.update(env_extra or {})
    out = subprocess.run([sys.executable, "-c", _CHILD, mode], cwd=PROJECT_ROOT, env=env,
                         capture_output=True, text=True, timeout=60, check=True)
    return out.stdout.strip(), sum(line.startswith("Arena ") for line in out.stderr.splitlines())


@glibc_only
def test_threads_share_at_most_two_arenas_once_capped():
    assert _arenas("none")[1] > 2  # the default: an arena per thread (up to 8 per core)
    said, arenas = _arenas("limit")
    assert said == "True"
    assert arenas <= 2


@glibc_only
def test_an_operators_malloc_arena_max_is_left_alone():
    said, arenas = _arenas("limit", {"MALLOC_ARENA_MAX": "4"})
    assert said == "False"
    assert 2 < arenas <= 4
