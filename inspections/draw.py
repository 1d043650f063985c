"""The double-random draw (双随机): enterprises from the pool, then inspectors for each drawn enterprise.

Verifiable by anyone: before the draw the portal publishes `commitment(seed)`; afterwards it publishes the seed,
the pool snapshot (sorted enterprise ids with their weights), the roster and the algorithm version. Re-running
`draw(...)` on those inputs gives the identical result, on any machine: only SHA-256 and integer arithmetic.

Algorithm qs-draw-v1
- Enterprises: weighted sampling without replacement. An enterprise of integer weight w holds w tickets; ticket t
  scores SHA-256("{seed}|e|{id}|{t}") as a 256-bit integer, and the enterprise scores its best ticket. The
  `count` best-scoring enterprises are drawn (ties, practically impossible, go to the lower id). The best of w
  uniform scores is distributed like u^(1/w), so this is exactly Efraimidis-Spirakis weighted sampling, without
  floating point. Weight 0 keeps an enterprise out of the draw (e.g. grade A outside a complaint or referral).
- Inspectors: for each drawn enterprise, in draw order, `per_task` inspectors among those without a conflict
  with it, preferring those with fewer tasks so far, then the best SHA-256("{seed}|i|{enterprise}|{inspector}").
"""

import hashlib
import heapq
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

ALGORITHM = "qs-draw-v1"
MIN_INSPECTORS_PER_TASK = 2


class DrawError(ValueError):
    """The draw cannot be made as asked (pool or roster too small, bad weights)."""


@dataclass(frozen=True)
class DrawResult:
    enterprises: list[int]
    inspectors: dict[int, list[int]] = field(default_factory=dict)
    algorithm: str = ALGORITHM


def commitment(seed: str) -> str:
    """Published before the draw: binds the bureau to the seed without revealing it."""
    return hashlib.sha256(seed.encode()).hexdigest()


def pool_snapshot(pool: Mapping[int, int]) -> str:
    """The canonical text of the pool, as published: enterprise ids in order with their weights."""
    return json.dumps(sorted(pool.items()), separators=(",", ":"))


def snapshot_digest(pool: Mapping[int, int]) -> str:
    return hashlib.sha256(pool_snapshot(pool).encode()).hexdigest()


def _score(seed: str, *parts: object) -> int:
    text = "|".join([seed, *map(str, parts)])
    return int.from_bytes(hashlib.sha256(text.encode()).digest(), "big")


def draw_enterprises(*, seed: str, pool: Mapping[int, int], count: int) -> list[int]:
    """`count` enterprises drawn from `pool` ({enterprise id: integer weight}), best score first."""
    if any(not isinstance(weight, int) or weight < 0 for weight in pool.values()):
        raise DrawError("weights must be whole numbers, 0 or more")
    eligible = {enterprise: weight for enterprise, weight in pool.items() if weight > 0}
    if count > len(eligible):
        raise DrawError(f"the pool holds {len(eligible)} eligible enterprises, fewer than the {count} asked for")
    scored = (
        (max(_score(seed, "e", enterprise, ticket) for ticket in range(weight)), -enterprise)
        for enterprise, weight in eligible.items()
    )
    return [-negative_id for _score_, negative_id in heapq.nlargest(count, scored)]


def draw_inspectors(
    *,
    seed: str,
    enterprises: Iterable[int],
    roster: Iterable[int],
    conflicts: Mapping[int, set[int]] | None = None,
    per_task: int = MIN_INSPECTORS_PER_TASK,
) -> dict[int, list[int]]:
    """For each enterprise, `per_task` inspectors from `roster`, none with a conflict ({enterprise: inspectors})."""
    if per_task < MIN_INSPECTORS_PER_TASK:
        raise DrawError(f"at least {MIN_INSPECTORS_PER_TASK} inspectors go to every on-site task")
    roster = sorted(set(roster))
    conflicts = conflicts or {}
    load = dict.fromkeys(roster, 0)
    assignments = {}
    for enterprise in enterprises:
        excluded = conflicts.get(enterprise, set())
        candidates = [inspector for inspector in roster if inspector not in excluded]
        if len(candidates) < per_task:
            raise DrawError(f"enterprise {enterprise}: only {len(candidates)} inspectors without a conflict")
        chosen = _least_loaded(seed, enterprise, candidates, load, per_task)
        for inspector in chosen:
            load[inspector] += 1
        assignments[enterprise] = sorted(chosen)
    return assignments


def _least_loaded(seed: str, enterprise: int, candidates: list[int], load: dict[int, int], wanted: int) -> list[int]:
    """The `wanted` candidates with the fewest tasks, ties broken by score; only the ties needed are hashed."""
    by_load: dict[int, list[int]] = {}
    for inspector in candidates:
        by_load.setdefault(load[inspector], []).append(inspector)
    chosen: list[int] = []
    for level in sorted(by_load):
        group = by_load[level]
        room = wanted - len(chosen)
        if len(group) <= room:
            chosen.extend(group)
        else:
            chosen.extend(heapq.nlargest(room, group, key=lambda inspector: _score(seed, "i", enterprise, inspector)))
        if len(chosen) == wanted:
            return chosen
    return chosen


def draw(
    *,
    seed: str,
    pool: Mapping[int, int],
    count: int,
    roster: Iterable[int],
    conflicts: Mapping[int, set[int]] | None = None,
    per_task: int = MIN_INSPECTORS_PER_TASK,
) -> DrawResult:
    """The whole double-random draw, from published inputs to the published result."""
    enterprises = draw_enterprises(seed=seed, pool=pool, count=count)
    inspectors = draw_inspectors(
        seed=seed, enterprises=enterprises, roster=roster, conflicts=conflicts, per_task=per_task
    )
    return DrawResult(enterprises=enterprises, inspectors=inspectors)
