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
- Re-test laboratory: the approved laboratory (other than the original) with the best
  SHA-256("{seed}|lab|{key}|{laboratory}").

The published inputs are one canonical JSON text (`canonical_inputs`): the count, inspectors per task, the pool
as sorted [enterprise, weight] pairs, the sorted roster and the sorted [enterprise, inspector] conflict pairs.
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

    def as_json(self) -> dict:
        """The result as published (JSON object keys are strings)."""
        return {
            "algorithm": self.algorithm,
            "enterprises": self.enterprises,
            "inspectors": {str(enterprise): team for enterprise, team in self.inspectors.items()},
        }


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


def canonical_inputs(
    *,
    count: int,
    per_task: int,
    pool: Mapping[int, int],
    roster: Iterable[int],
    conflicts: Iterable[tuple[int, int]],
) -> str:
    """The published inputs as one canonical text: the same inputs always give the same text and digest."""
    inputs = {
        "algorithm": ALGORITHM,
        "count": count,
        "per_task": per_task,
        "pool": sorted([enterprise, weight] for enterprise, weight in pool.items()),
        "roster": sorted(set(roster)),
        "conflicts": sorted({(enterprise, inspector) for enterprise, inspector in conflicts}),
    }
    return json.dumps(inputs, separators=(",", ":"), sort_keys=True)


def digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def draw_from_inputs(*, seed: str, inputs: Mapping) -> DrawResult:
    """Re-run a draw from its published inputs (as parsed from `canonical_inputs`)."""
    if inputs.get("algorithm") != ALGORITHM:
        raise DrawError(f"these inputs are for algorithm {inputs.get('algorithm')!r}, not {ALGORITHM}")
    conflicts: dict[int, set[int]] = {}
    for enterprise, inspector in inputs["conflicts"]:
        conflicts.setdefault(enterprise, set()).add(inspector)
    return draw(
        seed=seed,
        pool={enterprise: weight for enterprise, weight in inputs["pool"]},
        count=inputs["count"],
        roster=inputs["roster"],
        conflicts=conflicts,
        per_task=inputs["per_task"],
    )


def draw_laboratory(*, seed: str, key: object, candidates: Iterable[int]) -> int:
    """One laboratory drawn from `candidates` (e.g. for a re-test, the approved laboratories but the original)."""
    candidates = sorted(set(candidates))
    if not candidates:
        raise DrawError("no laboratory to draw from")
    return max(candidates, key=lambda lab: (_score(seed, "lab", key, lab), -lab))


@dataclass(frozen=True)
class Verification:
    commitment_matches: bool
    inputs_match: bool
    result_matches: bool

    @property
    def ok(self) -> bool:
        return self.commitment_matches and self.inputs_match and self.result_matches


def verify(bundle: Mapping) -> Verification:
    """Check a published draw (as downloaded from its public page): the seed matches the commitment, the inputs
    their digest, and re-running the algorithm on them gives the published result."""
    inputs_text = json.dumps(bundle["inputs"], separators=(",", ":"), sort_keys=True)
    rerun = draw_from_inputs(seed=bundle["seed"], inputs=bundle["inputs"])
    return Verification(
        commitment_matches=commitment(bundle["seed"]) == bundle["commitment"],
        inputs_match=digest(inputs_text) == bundle["inputs_digest"],
        result_matches=rerun.as_json() == bundle["result"],
    )


def main(argv: list[str] | None = None) -> int:
    """python qs_draw.py BUNDLE.json (or python -m inspections.draw): verify a downloaded draw with plain Python."""
    import sys

    paths = sys.argv[1:] if argv is None else argv
    if len(paths) != 1:
        print("usage: python qs_draw.py BUNDLE.json", file=sys.stderr)
        return 2
    with open(paths[0], encoding="utf-8") as handle:
        bundle = json.load(handle)
    outcome = verify(bundle)
    print(f"commitment matches the seed: {outcome.commitment_matches}")
    print(f"inputs match their digest:   {outcome.inputs_match}")
    print(f"re-run gives the result:     {outcome.result_matches}")
    print("VERIFIED" if outcome.ok else "NOT VERIFIED")
    return 0 if outcome.ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
