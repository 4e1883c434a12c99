"""python -m graphledger.bench --scale N: the benchmark `make bench` runs."""

import argparse
from pathlib import Path

from graphledger.bench.run import main

parser = argparse.ArgumentParser(prog="python -m graphledger.bench")
parser.add_argument("--scale", type=int, default=100_000)
parser.add_argument("--port", type=int, default=8001)
parser.add_argument("--seed", type=int, default=7)
parser.add_argument("--results", type=Path, default=Path("bench/results.json"))
parser.add_argument("--report", type=Path, default=Path("BENCHMARKS.md"))
args = parser.parse_args()
main(args.scale, args.port, args.results, args.report, args.seed)
