"""Start and stop real server processes on 127.0.0.1 for tests."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

REPO = Path(__file__).resolve().parent.parent
STARTUP_SECONDS = 60


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def server_env(**settings: str) -> dict[str, str]:
    """This process's environment without any interviewer, database or API setting, plus `settings`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GEMINI_", "INTERVIEW_"))}
    return {**env, **settings}


def wait_until_serving(url: str, process: subprocess.Popen) -> bool:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline and process.poll() is None:
        try:
            if httpx.get(f"{url}/", timeout=2).status_code == 200:
                return True
        except httpx.TransportError:
            time.sleep(0.05)
    return False


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextmanager
def api_process(**settings: str) -> Iterator[tuple[str, subprocess.Popen]]:
    """A uvicorn process serving the API with these settings; yields (base URL, process)."""
    with tempfile.TemporaryFile() as log:
        for _attempt in range(3):  # another process may take the free port before uvicorn binds it
            port = free_port()
            command = [sys.executable, "-m", "uvicorn", "interview_core.api:app", "--host", "127.0.0.1",
                       "--port", str(port), "--log-level", "warning"]  # fmt: skip
            process = subprocess.Popen(command, cwd=REPO, env=server_env(**settings), stdout=log, stderr=log)
            try:
                url = f"http://127.0.0.1:{port}"
                if wait_until_serving(url, process):
                    yield url, process
                    return
            finally:
                stop(process)
        log.seek(0)
        pytest.fail(f"uvicorn did not start:\n{log.read().decode(errors='replace')[-3000:]}")


@contextmanager
def api_server(**settings: str) -> Iterator[str]:
    """A uvicorn process serving the API on 127.0.0.1 with these settings; yields its base URL."""
    with api_process(**settings) as (url, _process):
        yield url
