"""Time the double-random draw at city scale (the algorithm alone, without the database).

python bench/draw.py [--pool 100000 --inspectors 500 --count 1000]
"""

import argparse
import random
import secrets
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from inspections.draw import draw, snapshot_digest  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pool", type=int, default=100_000)
    parser.add_argument("--inspectors", type=int, default=500)
    parser.add_argument("--count", type=int, default=1_000)
    args = parser.parse_args()
    rng = random.Random(2026)
    # Classified supervision: grade A out of routine draws (0), B normal (1), C raised (3).
    pool = {n: rng.choices([0, 1, 3], [20, 70, 10])[0] for n in range(1, args.pool + 1)}
    roster = range(1, args.inspectors + 1)
    conflicts = {n: set(rng.sample(roster, 2)) for n in range(1, args.pool + 1, 50)}
    seed = secrets.token_hex(32)
    started = time.perf_counter()
    digest = snapshot_digest(pool)
    result = draw(seed=seed, pool=pool, count=args.count, roster=roster, conflicts=conflicts)
    elapsed = time.perf_counter() - started
    print(f"pool {args.pool:,} enterprises (sum of weights {sum(pool.values()):,}), {args.inspectors} inspectors")
    print(f"drew {len(result.enterprises)} enterprises and {2 * len(result.inspectors)} inspector places")
    print(f"snapshot digest + draw: {elapsed:.2f} s (target: under 2 s)")
    print(f"snapshot sha256 {digest[:16]}…")


if __name__ == "__main__":
    main()
