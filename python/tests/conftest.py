"""Shared fixtures: the repository's paths and the CLI binary."""

import os
import pathlib
import shutil
import subprocess

import pytest

REPO = pathlib.Path(__file__).resolve().parents[2]
CORPUS = REPO / "corpus"


def cli_path():
    """The arena-recordings binary: $ARENA_RECORDINGS_BIN, else target/, else PATH."""
    env = os.environ.get("ARENA_RECORDINGS_BIN")
    if env:
        return env
    for profile in ("release", "debug"):
        p = REPO / "target" / profile / "arena-recordings"
        if p.exists():
            return str(p)
    found = shutil.which("arena-recordings")
    if found:
        return found
    pytest.fail("no arena-recordings binary: build it (cargo build) or set ARENA_RECORDINGS_BIN")


@pytest.fixture(scope="session")
def cli():
    path = cli_path()

    def run(*args, cwd=REPO):
        return subprocess.run([path, *map(str, args)], cwd=cwd, capture_output=True, text=True)

    return run


@pytest.fixture()
def in_repo(monkeypatch):
    """Runs the test from the repository root (ids are then relative, as the CLI's)."""
    monkeypatch.chdir(REPO)
    return REPO
