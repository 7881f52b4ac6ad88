"""Beam's local Prism runner, built with ``go install`` at the pinned Beam version.

The Python SDK would otherwise download a Prism release binary from the internet at run time,
which cannot work on a closed network; building it from the Go module of the same Beam version
is reproducible and cached under ``<cache>/beam-<version>/bin/prism``.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from infra.tooling import install_lock, require_tool, run_logged
from schemas.errors import InfraError
from schemas.settings import Settings

__all__ = ["ensure_prism"]


def ensure_prism(settings: Settings) -> Path:
    """Path of a Prism binary for ``settings.beam_version``; builds it once with ``go install``."""
    bin_dir = settings.cache_dir.resolve() / f"beam-{settings.beam_version}" / "bin"
    prism = bin_dir / "prism"
    if prism.exists():
        return prism
    with install_lock(bin_dir.parent):
        if prism.exists():  # another process built it while we waited
            return prism
        return _build_prism(settings.beam_version, bin_dir)


def _build_prism(version: str, bin_dir: Path) -> Path:
    prism = bin_dir / "prism"
    go = require_tool("go", "install Go 1.22+ to build Beam's Prism runner")
    staging = bin_dir.with_name("bin.partial")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    run_logged(
        [go, "install", f"github.com/apache/beam/sdks/v2/go/cmd/prism@v{version}"],
        f"building Beam Prism runner v{version} with go install",
        bin_dir.parent / "go-install.log",
        env={"GOBIN": str(staging), "CGO_ENABLED": "0"},
    )
    if not (staging / "prism").exists():
        raise InfraError(f"go install finished but {staging / 'prism'} is missing")
    shutil.rmtree(bin_dir, ignore_errors=True)
    staging.rename(bin_dir)
    return prism
