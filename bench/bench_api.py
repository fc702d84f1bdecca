"""Requests per second for GET /session-summary/{id} against a real uvicorn on 127.0.0.1.

Starts `uvicorn interview_core.api:app` (one worker, the offline interviewer, a fresh SQLite file unless
--db-url names another database), seeds one interview with two answered rounds, then measures one client on a
keep-alive connection and several concurrent clients, each bounded by a request count and a time limit.
The load generator shares the machine's cores with the server, as a colocated client would.

    python bench/bench_api.py            # 3000 requests or 10 s per figure
    python bench/bench_api.py --quick    # 300 requests or 2 s per figure (CI)
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.servers import api_server

START = {"field": "Software Engineering", "interview_type": "Technical", "difficulty": 5, "total_rounds": 5}


def seed(url: str) -> str:
    """One interview with two scored rounds, so the summary has history to load."""
    session_id = httpx.post(f"{url}/start-interview", json=START, timeout=60).json()["session_id"]
    for round_number in (1, 2):
        body = {"session_id": session_id, "answer": "I would add an index and measure.", "round": round_number}
        httpx.post(f"{url}/submit-answer", json=body, timeout=60).raise_for_status()
    return session_id


def measure(path_url: str, clients: int, max_requests: int, max_seconds: float) -> tuple[float, int, list[float]]:
    """(requests per second, requests done, latencies) for `clients` threads sharing the request budget."""
    latencies: list[float] = []
    budget = threading.Semaphore(max_requests)
    failures: list[str] = []
    deadline = time.perf_counter() + max_seconds

    def client_loop() -> None:
        with httpx.Client(timeout=30) as client:
            while time.perf_counter() < deadline and budget.acquire(blocking=False):
                began = time.perf_counter()
                response = client.get(path_url)
                latencies.append(time.perf_counter() - began)
                if response.status_code != 200:
                    failures.append(f"{response.status_code} {response.text[:200]}")

    threads = [threading.Thread(target=client_loop) for _ in range(clients)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    if failures:
        raise SystemExit(f"{len(failures)} requests failed, e.g. {failures[0]}")
    return len(latencies) / elapsed, len(latencies), latencies


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small bounds for CI")
    parser.add_argument("--requests", type=int, help="request budget per figure")
    parser.add_argument("--seconds", type=float, help="time limit per figure")
    parser.add_argument("--concurrency", type=int, default=8, help="clients for the concurrent figure")
    parser.add_argument("--db-url", help="database URL for the server (default: a fresh SQLite file)")
    args = parser.parse_args(argv)
    max_requests = args.requests or (300 if args.quick else 3000)
    max_seconds = args.seconds or (2.0 if args.quick else 10.0)

    with tempfile.TemporaryDirectory() as folder:
        db_url = args.db_url or f"sqlite:///{Path(folder) / 'bench.db'}"
        with api_server(INTERVIEW_DB_URL=db_url) as url:
            summary_url = f"{url}/session-summary/{seed(url)}"
            measure(summary_url, 1, 50, max_seconds)  # warm-up: connections, caches, first queries
            store = "SQLite" if db_url.startswith("sqlite") else db_url.split(":", 1)[0]
            for clients in (1, args.concurrency):
                rate, done, latencies = measure(summary_url, clients, max_requests, max_seconds)
                p50 = statistics.median(latencies) * 1000
                p95 = statistics.quantiles(latencies, n=20)[-1] * 1000 if len(latencies) > 1 else p50
                print(
                    f"GET /session-summary: {rate:.0f} requests/s with {clients} client(s) "
                    f"({done} requests, p50 {p50:.1f} ms, p95 {p95:.1f} ms, 1 uvicorn worker, {store}, "
                    f"{os.cpu_count()} CPUs shared with the client)",
                    flush=True,
                )


if __name__ == "__main__":
    raise SystemExit(main())
