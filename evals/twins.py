"""Near-copies in a folder of reports, as ingest finds them: every file read and cleaned as `bot ingest` reads it
(`prepare`), sketched (bot.ingest.twins), and every pair whose estimated Jaccard is at least --floor printed, most
alike first, with the time sketching took — the measure behind twins.NEAR.

    python -m evals.twins [--data ../shared/eval-data/reports-dev] [--floor 0.5]
"""
from __future__ import annotations

import argparse
import time
from pathlib import Path

from bot.errors import BotError
from bot.ingest.pipeline import prepare
from bot.ingest.twins import NEAR, similarity, sketch
from bot.settings import Settings
from evals import reports


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--data", type=Path, default=reports.DEFAULT_DATA)
    p.add_argument("--floor", type=float, default=0.5)
    args = p.parse_args(argv)
    root = args.data / "docs"
    settings, seconds, read = Settings.from_env(), 0.0, []
    for f in sorted(root.rglob("*.txt")):
        try:
            report = prepare(f, settings)
        except BotError:
            continue  # (an empty file: ingest reports it by name)
        t = time.perf_counter()
        sketch(report.text)
        seconds += time.perf_counter() - t
        read.append((str(f.relative_to(root)), report.meta.sketch, len(report.text)))
    alike = ((similarity(a[1], b[1]), b[0], a[0]) for i, a in enumerate(read) for b in read[:i])
    pairs = sorted((x for x in alike if x[0] >= args.floor), reverse=True)
    print(f"{len(read)} reports, {sum(n for _, _, n in read):,} characters cleaned; sketching took {seconds:.1f} s")
    for sim, a, b in pairs:
        print(f"{sim:.3f}  {a}  |  {b}")
    print(f"pairs at or above NEAR ({NEAR}): {sum(s >= NEAR for s, _, _ in pairs)}")


if __name__ == "__main__":
    main()
