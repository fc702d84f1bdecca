"""Run every bench/bench_*.py (in --quick mode with --quick) and fail if any of them fails."""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="short runs, for CI")
    parser.add_argument("only", nargs="*", help="names of benchmarks to run (default: all)")
    args = parser.parse_args()
    scripts = sorted(HERE.glob("bench_*.py"))
    if args.only:
        scripts = [s for s in scripts if any(name in s.stem for name in args.only)]
    failed = []
    for script in scripts:
        command = [sys.executable, str(script)] + (["--quick"] if args.quick else [])
        begin = time.perf_counter()
        result = subprocess.run(command, cwd=HERE.parent, check=False)
        print(f"  [{script.name} took {time.perf_counter() - begin:.1f} s]", flush=True)
        if result.returncode != 0:
            failed.append(script.name)
    if failed:
        print(f"FAILED benchmarks: {', '.join(failed)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
