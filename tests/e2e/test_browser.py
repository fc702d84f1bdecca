"""The app in a real browser (Chromium) against `streamlit run app.py`, offline mode, as a candidate uses it."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlparse

from interview_core.speech import wav_duration
from interview_core.store import SqlStore
from tests.audio import spoken_wav_path, word_error_rate
from tests.e2e.conftest import IDLE, screenshot

MIC_FRAME = 'iframe[title="streamlit_mic_recorder.streamlit_mic_recorder"]'
STRONG_ANSWER = (
    "First I would reproduce the slow query and read its plan with EXPLAIN ANALYZE. Then I would add a composite "
    "index on the filtered columns, cache hot reads with a short TTL, and compare p95 latency before and after."
)
# Markup a page must show as text: an image and links the browser would otherwise fetch or offer.
HOSTILE = (
    '<img src="http://127.0.0.1:9/pixel.png"> ![t](http://127.0.0.1:9/track.png) [win](http://127.0.0.1:9/) '
    "www.example.com"
)
SPOKEN = "I would put a load balancer in front of several application servers and keep sessions in a shared cache."


def wait_idle(page) -> None:
    page.wait_for_selector(IDLE)


def start_interview(page, base_url: str, *, rounds: int) -> str:
    """Fill the setup form and start; returns the interview id from the URL."""
    page.goto(base_url)
    page.get_by_role("heading", name="Practise a job interview").wait_for()
    wait_idle(page)
    page.get_by_label("Field or role").fill("Backend Development")
    page.get_by_label("Field or role").press("Enter")
    wait_idle(page)
    rounds_box = page.get_by_label("Number of questions")
    rounds_box.fill(str(rounds))
    rounds_box.press("Enter")
    wait_idle(page)
    screenshot(page, "setup")
    page.get_by_role("button", name="Start interview").click()
    page.get_by_text("Question 1", exact=True).wait_for()
    wait_idle(page)
    return parse_qs(urlparse(page.url).query)["session"][0]


def answer(page, text: str, round_number: int) -> None:
    box = page.get_by_label("Your answer")
    box.fill(text)
    box.press("Control+Enter")
    page.get_by_role("button", name="Submit answer").click()
    page.get_by_text(f"Feedback on round {round_number}", exact=True).wait_for()
    wait_idle(page)


def test_a_typed_offline_interview_ends_on_a_report_with_its_charts_drawn(app_server, launch):
    page = launch()
    fetched = []
    page.on("request", lambda request: fetched.append(request.url))

    start_interview(page, app_server.url, rounds=2)
    assert page.get_by_text("Offline practice mode (rubric scoring, no AI)").first.is_visible()
    screenshot(page, "interview-question")
    answer(page, f"{STRONG_ANSWER} {HOSTILE}", 1)
    assert page.get_by_text("Question 2 of 2").is_visible()
    assert page.get_by_text(re.compile(r"Difficulty \d+ → \d+")).first.is_visible()
    screenshot(page, "interview-feedback")
    answer(page, STRONG_ANSWER, 2)
    page.get_by_text("Interview complete").wait_for()

    page.get_by_role("button", name="See your full report").click()
    page.get_by_role("heading", name="Final assessment").wait_for()
    wait_idle(page)
    page.locator(".js-plotly-plot .main-svg").nth(2).wait_for()
    assert page.locator(".js-plotly-plot").count() == 3
    assert page.locator(".js-plotly-plot .scatterlayer .trace").count() >= 5  # 4 score lines + difficulty
    assert page.locator(".js-plotly-plot .polarlayer .trace").count() == 1  # the radar
    page.get_by_text("Round 1 ·").first.click()  # expand round 1: the answer with markup in it
    page.get_by_text("pixel.png", exact=False).first.wait_for()
    main = page.locator('[data-testid="stMain"]')
    assert main.locator("img").count() == 0
    links = main.locator('a[href*="127.0.0.1:9"], a[href*="example.com"]')
    assert links.count() == 0, [
        links.nth(i).evaluate("e => e.parentElement.outerHTML")[-900:] for i in range(links.count())
    ]
    assert not [url for url in fetched if "127.0.0.1:9/" in url]
    screenshot(page, "report")


def test_a_spoken_answer_is_transcribed_edited_and_submitted(start_server, launch, server_env):
    wav = spoken_wav_path(SPOKEN)
    server = start_server()
    page = launch(
        "--use-fake-device-for-media-stream",
        "--use-fake-ui-for-media-stream",
        f"--use-file-for-fake-audio-capture={wav}%noloop",
    )
    session_id = start_interview(page, server.url, rounds=2)
    recorder = page.frame_locator(MIC_FRAME)
    recorder.get_by_role("button", name="● Record answer").click()
    recorder.get_by_role("button", name="■ Stop recording").wait_for()
    # The fake microphone plays the file in real time: recording takes as long as the answer does.
    page.wait_for_timeout((wav_duration(wav.read_bytes()) + 1.0) * 1000)
    recorder.get_by_role("button", name="■ Stop recording").click()
    page.get_by_text("Transcribed. Check the text").wait_for(timeout=120_000)
    wait_idle(page)
    box = page.get_by_label("Your answer")
    transcript = box.input_value()
    assert word_error_rate(SPOKEN, transcript) < 0.35, transcript  # tiny.en through a browser microphone
    assert page.get_by_text(re.compile(r"Spoken answer: \d+ s · \d+ words per minute")).is_visible()
    screenshot(page, "interview-spoken")

    answer(page, transcript + " Edited by hand.", 1)
    stored = SqlStore(server_env["INTERVIEW_DB_URL"]).get(session_id).history[0]
    assert stored.answer.endswith("Edited by hand.")
    assert stored.speech is not None and stored.speech.transcriber == "whisper"
    assert stored.speech.words_per_minute > 0


def test_an_interview_resumes_from_its_link_after_the_server_restarts(start_server, launch):
    first = start_server()
    page = launch()
    session_id = start_interview(page, first.url, rounds=3)
    answer(page, STRONG_ANSWER, 1)
    first.stop()

    second = start_server()  # same database, new process, new port
    page.goto(f"{second.url}/interview?session={session_id}")
    page.get_by_text("Question 2 of 3", exact=False).wait_for()
    wait_idle(page)
    # A page opened by URL on a fresh server still runs under app.py's navigation, not pages/ discovery.
    links = [text.split("\n")[-1] for text in page.get_by_test_id("stSidebarNavLink").all_inner_texts()]
    assert links == ["New interview", "Interview", "Report", "History"]
    assert page.get_by_text("Feedback on round 1", exact=True).is_visible()
    answer(page, STRONG_ANSWER, 2)
    assert page.get_by_text("Question 3 of 3", exact=False).is_visible()

    for path, expected in (
        ("/report", "There is no interview open in this tab"),
        ("/interview", "There is no interview open in this tab"),
        ("/history", "Choose an interview"),
    ):
        fresh = launch()
        fresh.goto(f"{second.url}{path}")
        fresh.get_by_text(expected).first.wait_for()
        wait_idle(fresh)
        assert fresh.locator('[data-testid="stException"]').count() == 0
    assert "Backend Development · Technical · 2/3 rounds" in fresh.get_by_label("Choose an interview").input_value()
    screenshot(fresh, "history")
