"""The double-random draw (双随机): enterprises from the pool, stratum by stratum, then inspectors for each.

Verifiable by anyone, without naming who weighs what. Before the draw the portal publishes `commitment(seed)` and
the digest of the inputs; once the sampling is over it publishes the seed and the result. Re-running `draw(...)`
on those inputs gives the identical result, on any machine: only SHA-256, HMAC-SHA256 and integer arithmetic.

Algorithm qs-draw-v2 (stratified and pseudonymous; qs-draw-v1 bundles still verify, see below)
- Strata. Each enterprise of the pool is in one stratum, its credit class: A, B or C. An enterprise not graded
  yet is in stratum B (it weighs like B, and a fourth stratum would add nothing to verify); a grade-A enterprise
  flagged into the draw (a complaint, a referral, an open risk warning) is in stratum B too, drawn at B's rate.
  Every stratum has a weight above zero (the scoring model's draw weights, default A 1, B 3, C 9): no class is
  exempt. The public sees each stratum's weight, size and batches, never which enterprise is in which.
- Pseudonyms. A pool member is published as `pseudonym(opening, id)` = SHA-256("qs-draw|member|{id}|{opening}")
  where `opening` = HMAC-SHA256(draw key, "qs-draw|opening|{id}") and the draw key is a fresh secret of the draw
  that only bureau staff read. Without the key nobody can tell whose pseudonym is whose; after the draw the bureau
  shows each enterprise its own `opening`, and the enterprise recomputes its pseudonym (it knows its own id) and
  finds it in the published pool, in its stratum. The opening tells it nothing of anyone else's pseudonym, and
  the bureau cannot show two enterprises the same pool entry (that would need a SHA-256 collision).
- Allocation of the batches to the strata (`allocate`), from the public sizes and weights only, so it is fixed
  before any seed exists: first one batch to each non-empty stratum, heaviest weight first (ties by name), while
  batches last; then the rest in proportion to weight × members not yet allotted, each stratum its whole share
  (a share reaching a stratum's room fills it and the rest is shared again among the others), the batches left
  over by largest remainder (ties: heavier weight, then name).
- Enterprises, in each stratum: weighted sampling without replacement. A member with t tickets (1, plus the risk
  bonus for a high short-term risk) scores its best SHA-256("{seed}|e|{stratum}|{pseudonym}|{ticket}") as a
  256-bit integer; the stratum's `batches` best-scoring members are drawn (ties go to the greater pseudonym). The
  best of t uniform scores is distributed like u^(1/t): Efraimidis-Spirakis weighted sampling without floats.
- Inspectors: for each drawn member, strata in order A, B, C and each in draw order, `per_task` inspectors among
  those without a conflict with it (conflicts are published as [pseudonym, inspector] pairs), those with fewer
  tasks so far first; from the load level that does not fit whole, sorted by inspector id, the k-th pick (k = 0,
  1, ... within the task) is at position SHA-256("{seed}|i|{pseudonym}|{k}") mod (inspectors left at the level).
- Seed. The bureau's secret seed is committed to (SHA-256) before the draw. A witness present at the commitment
  (e.g. the discipline inspection officer) may type a value; the draw then runs on
  `derive_seed(seed, witness)` = SHA-256("{seed}|{witness}") (hex), and on the seed itself without a witness.
  The witness value is published with the commitment, the seed once revealed.
- Re-test laboratory: the approved laboratory (other than the original) with the best
  SHA-256("{seed}|lab|{key}|{laboratory}").

The published inputs are one canonical JSON text (`canonical_inputs`). Once the sampling is over the bundle also
holds the seed, the result (the drawn pseudonyms of each stratum and each one's inspectors) and `drawn`: the drawn
enterprises and inspectors by id, sorted, so that nobody can pair an enterprise with its stratum. The verifier
checks the commitment, the digest, the allocation, the re-run, and that `drawn` has as many enterprises as the
re-run drew and exactly its inspectors.

qs-draw-v1 (draws made before v2): one weighted draw over [enterprise id, weight] pairs, tickets scored
SHA-256("{seed}|e|{id}|{t}"), inspectors scored SHA-256("{seed}|i|{id}|{inspector}"), same team rule.
"""

import hashlib
import heapq
import hmac
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

ALGORITHM = "qs-draw-v2"
ALGORITHM_V1 = "qs-draw-v1"
STRATA = ("A", "B", "C")
MIN_INSPECTORS_PER_TASK = 2


class DrawError(ValueError):
    """The draw cannot be made as asked (pool or roster too small, bad weights)."""


@dataclass(frozen=True)
class DrawResult:
    """A qs-draw-v1 result: enterprise ids in draw order and each one's inspectors."""

    enterprises: list[int]
    inspectors: dict[int, list[int]] = field(default_factory=dict)
    algorithm: str = ALGORITHM_V1

    def as_json(self) -> dict:
        """The result as published (JSON object keys are strings)."""
        return {
            "algorithm": self.algorithm,
            "enterprises": self.enterprises,
            "inspectors": {str(enterprise): team for enterprise, team in self.inspectors.items()},
        }


@dataclass(frozen=True)
class StratifiedResult:
    """A qs-draw-v2 result: the drawn pseudonyms of each stratum, in draw order, and each one's inspectors."""

    strata: dict[str, list[str]]
    teams: dict[str, list[int]]
    algorithm: str = ALGORITHM

    def as_json(self) -> dict:
        return {"algorithm": self.algorithm, "strata": self.strata, "teams": self.teams}

    @property
    def members(self) -> list[str]:
        return [member for stratum in STRATA for member in self.strata.get(stratum, [])]


def commitment(seed: str) -> str:
    """Published before the draw: binds the bureau to the seed without revealing it."""
    return hashlib.sha256(seed.encode()).hexdigest()


def derive_seed(seed: str, witness: str = "") -> str:
    """The seed the draw runs on: the bureau's seed alone, or with a witness value SHA-256("{seed}|{witness}")."""
    if not witness:
        return seed
    return hashlib.sha256(f"{seed}|{witness}".encode()).hexdigest()


def opening(draw_key: str, enterprise: int) -> str:
    """What the bureau shows one enterprise after the draw so it can find its own pseudonym (never the draw key)."""
    return hmac.digest(draw_key.encode(), f"qs-draw|opening|{enterprise}".encode(), "sha256").hex()


def pseudonym(opening_value: str, enterprise: int) -> str:
    """An enterprise's name in a draw's published pool: SHA-256("qs-draw|member|{id}|{opening}")."""
    return hashlib.sha256(f"qs-draw|member|{enterprise}|{opening_value}".encode()).hexdigest()


def member_pseudonym(draw_key: str, enterprise: int) -> str:
    return pseudonym(opening(draw_key, enterprise), enterprise)


def member_pseudonyms(draw_key: str, enterprises: Iterable[int]) -> dict[int, str]:
    """{enterprise: pseudonym} for a whole pool: the same values as `member_pseudonym`, keyed once."""
    keyed = hmac.new(draw_key.encode(), digestmod=hashlib.sha256)
    sha256 = hashlib.sha256
    found = {}
    for enterprise in enterprises:
        mac = keyed.copy()
        mac.update(f"qs-draw|opening|{enterprise}".encode())
        found[enterprise] = sha256(f"qs-draw|member|{enterprise}|{mac.hexdigest()}".encode()).hexdigest()
    return found


def pool_snapshot(pool: Mapping) -> str:
    """The canonical text of a pool, as published: members in order with their weights or tickets."""
    return json.dumps(sorted(pool.items()), separators=(",", ":"))


def snapshot_digest(pool: Mapping) -> str:
    return hashlib.sha256(pool_snapshot(pool).encode()).hexdigest()


def _score(seed: str, *parts: object) -> int:
    text = "|".join([seed, *map(str, parts)])
    return int.from_bytes(hashlib.sha256(text.encode()).digest(), "big")


def _check_tickets(pool: Mapping) -> None:
    if any(isinstance(weight, bool) or not isinstance(weight, int) or weight < 0 for weight in pool.values()):
        raise DrawError("weights must be whole numbers, 0 or more")


def draw_enterprises(*, seed: str, pool: Mapping[int, int], count: int) -> list[int]:
    """qs-draw-v1: `count` enterprises drawn from `pool` ({enterprise id: integer weight}), best score first."""
    _check_tickets(pool)
    eligible = {enterprise: weight for enterprise, weight in pool.items() if weight > 0}
    if count > len(eligible):
        raise DrawError(f"the pool holds {len(eligible)} eligible enterprises, fewer than the {count} asked for")
    scored = (
        (max(_score(seed, "e", enterprise, ticket) for ticket in range(weight)), -enterprise)
        for enterprise, weight in eligible.items()
    )
    return [-negative_id for _score_, negative_id in heapq.nlargest(count, scored)]


def draw_stratum(*, seed: str, stratum: str, pool: Mapping[str, int], count: int) -> list[str]:
    """qs-draw-v2: `count` members drawn from one stratum's pool ({pseudonym: tickets, 1 or more}), best first."""
    _check_tickets(pool)
    if any(tickets < 1 for tickets in pool.values()):
        raise DrawError(f"stratum {stratum}: every member holds at least one ticket")
    if count > len(pool):
        raise DrawError(f"stratum {stratum} holds {len(pool)} members, fewer than the {count} batches allotted")
    prefix = f"{seed}|e|{stratum}|"
    sha256 = hashlib.sha256
    # A digest compared as bytes orders exactly as the 256-bit big-endian integer it spells.
    scored = (
        (
            sha256(f"{prefix}{member}|0".encode()).digest()
            if tickets == 1
            else max(sha256(f"{prefix}{member}|{ticket}".encode()).digest() for ticket in range(tickets)),
            member,
        )
        for member, tickets in pool.items()
    )
    return [member for _score_, member in heapq.nlargest(count, scored)]


def allocate(count: int, strata: Mapping[str, tuple[int, int]]) -> dict[str, int]:
    """The batches of each stratum ({name: (weight, size)}): see the module's description. Integer arithmetic."""
    if any(weight < 1 for weight, _size in strata.values()):
        raise DrawError("every stratum weighs more than zero: no class is exempt")
    total = sum(size for _weight, size in strata.values())
    if count > total:
        raise DrawError(f"the pool holds {total} enterprises, fewer than the {count} batches")
    weight = {name: w for name, (w, _size) in strata.items()}
    size = {name: n for name, (_w, n) in strata.items()}
    heaviest_first = sorted(strata, key=lambda name: (-weight[name], name))
    batches = dict.fromkeys(strata, 0)
    for name in [name for name in heaviest_first if size[name] > 0][:count]:
        batches[name] = 1
    remaining = count - sum(batches.values())
    open_ = [name for name in heaviest_first if batches[name] < size[name]]
    while remaining and open_:
        room = {name: size[name] - batches[name] for name in open_}
        denominator = sum(weight[name] * room[name] for name in open_)
        share = {name: remaining * weight[name] * room[name] for name in open_}  # over `denominator`
        full = [name for name in open_ if share[name] >= room[name] * denominator]
        if full:
            for name in full:
                batches[name] += room[name]
                remaining -= room[name]
                open_.remove(name)
            continue
        for name in open_:
            batches[name] += share[name] // denominator
        left = remaining - sum(share[name] // denominator for name in open_)
        by_remainder = sorted(open_, key=lambda name: (-(share[name] % denominator), -weight[name], name))
        for name in by_remainder[:left]:
            batches[name] += 1
        remaining = 0
    return batches


def draw_inspectors(
    *,
    seed: str,
    enterprises: Iterable,
    roster: Iterable[int],
    conflicts: Mapping | None = None,
    per_task: int = MIN_INSPECTORS_PER_TASK,
    sampled: bool = False,
) -> dict:
    """For each enterprise (an id, or a pseudonym), `per_task` inspectors from `roster`, none with a conflict.
    The least loaded first; among equally loaded ones, v1 takes the best scores (`_least_loaded`), v2
    (`sampled`) picks at random positions (`_least_loaded_sampled`)."""
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
        pick = _least_loaded_sampled if sampled else _least_loaded
        chosen = pick(seed, enterprise, candidates, load, per_task)
        for inspector in chosen:
            load[inspector] += 1
        assignments[enterprise] = sorted(chosen)
    return assignments


def _least_loaded(seed: str, enterprise, candidates: list[int], load: dict[int, int], wanted: int) -> list[int]:
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


def _least_loaded_sampled(seed: str, member, candidates: list[int], load: dict[int, int], wanted: int) -> list[int]:
    """qs-draw-v2: the `wanted` candidates with the fewest tasks; from the load level that does not fit whole, the
    k-th pick (k = 0, 1, ...) is at position SHA-256("{seed}|i|{member}|{k}") mod (candidates left at that level),
    the level sorted by inspector id and each pick removed: one hash per pick, a uniform choice."""
    by_load: dict[int, list[int]] = {}
    for inspector in candidates:  # candidates come sorted by id
        by_load.setdefault(load[inspector], []).append(inspector)
    chosen: list[int] = []
    picks = 0
    for level in sorted(by_load):
        group = by_load[level]
        room = wanted - len(chosen)
        if len(group) <= room:
            chosen.extend(group)
        else:
            for _pick in range(room):
                position = _score(seed, "i", member, picks) % len(group)
                chosen.append(group.pop(position))
                picks += 1
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
    """qs-draw-v1: the whole double-random draw over one weighted pool of enterprise ids."""
    enterprises = draw_enterprises(seed=seed, pool=pool, count=count)
    inspectors = draw_inspectors(
        seed=seed, enterprises=enterprises, roster=roster, conflicts=conflicts, per_task=per_task
    )
    return DrawResult(enterprises=enterprises, inspectors=inspectors)


def draw_stratified(
    *,
    seed: str,
    strata: Mapping[str, Mapping],
    roster: Iterable[int],
    conflicts: Mapping[str, set[int]] | None = None,
    per_task: int = MIN_INSPECTORS_PER_TASK,
) -> StratifiedResult:
    """qs-draw-v2: {stratum: {"batches": n, "pool": {pseudonym: tickets}}} drawn stratum by stratum, then teams."""
    drawn = {
        name: draw_stratum(seed=seed, stratum=name, pool=strata[name]["pool"], count=strata[name]["batches"])
        for name in STRATA
        if name in strata
    }
    members = [member for name in STRATA for member in drawn.get(name, [])]
    teams = draw_inspectors(
        seed=seed, enterprises=members, roster=roster, conflicts=conflicts, per_task=per_task, sampled=True
    )
    return StratifiedResult(strata=drawn, teams=teams)


def canonical_inputs(
    *,
    count: int,
    per_task: int,
    strata: Mapping[str, tuple[int, Mapping[str, int]]],
    roster: Iterable[int],
    conflicts: Iterable[tuple[str, int]],
    excluded: int = 0,
) -> str:
    """The published inputs of a qs-draw-v2 draw as one canonical text ({stratum: (weight, {pseudonym: tickets})});
    the batches of each stratum follow from the sizes and weights (`allocate`)."""
    batches = allocate(count, {name: (weight, len(pool)) for name, (weight, pool) in strata.items()})
    inputs = {
        "algorithm": ALGORITHM,
        "count": count,
        "per_task": per_task,
        "strata": {
            name: {
                "weight": weight,
                "size": len(pool),
                "batches": batches[name],
                "pool": sorted([member, tickets] for member, tickets in pool.items()),
            }
            for name, (weight, pool) in sorted(strata.items())
        },
        "roster": sorted(set(roster)),
        "conflicts": sorted({(member, inspector) for member, inspector in conflicts}),
        "excluded": excluded,
    }
    return json.dumps(inputs, separators=(",", ":"), sort_keys=True)


def digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def draw_from_inputs(*, seed: str, inputs: Mapping) -> DrawResult | StratifiedResult:
    """Re-run a draw from its published inputs (as parsed from the canonical text) and the seed it runs on."""
    conflicts: dict = {}
    for member, inspector in inputs["conflicts"]:
        conflicts.setdefault(member, set()).add(inspector)
    if inputs.get("algorithm") == ALGORITHM_V1:
        return draw(
            seed=seed,
            pool={enterprise: weight for enterprise, weight in inputs["pool"]},
            count=inputs["count"],
            roster=inputs["roster"],
            conflicts=conflicts,
            per_task=inputs["per_task"],
        )
    if inputs.get("algorithm") != ALGORITHM:
        raise DrawError(f"these inputs are for algorithm {inputs.get('algorithm')!r}, not {ALGORITHM}")
    strata = inputs["strata"]
    if set(strata) - set(STRATA):
        raise DrawError(f"unknown strata: {sorted(set(strata) - set(STRATA))}")
    expected = allocate(inputs["count"], {name: (s["weight"], len(s["pool"])) for name, s in strata.items()})
    for name, stratum in strata.items():
        if stratum["batches"] != expected[name] or stratum["size"] != len(stratum["pool"]):
            raise DrawError(f"stratum {name}: the published size or batches do not follow from the allocation rule")
    return draw_stratified(
        seed=seed,
        strata={
            name: {"batches": s["batches"], "pool": {member: tickets for member, tickets in s["pool"]}}
            for name, s in strata.items()
        },
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


def drawn_summary(result: StratifiedResult, enterprises: Iterable[int]) -> dict:
    """What is published of a qs-draw-v2 result by name: the drawn enterprises and inspectors, each sorted."""
    return {
        "enterprises": sorted(enterprises),
        "inspectors": sorted({inspector for team in result.teams.values() for inspector in team}),
    }


@dataclass(frozen=True)
class Verification:
    commitment_matches: bool
    inputs_match: bool
    result_matches: bool
    drawn_matches: bool = True
    problem: str = ""

    @property
    def ok(self) -> bool:
        return self.commitment_matches and self.inputs_match and self.result_matches and self.drawn_matches


def verify(bundle: Mapping) -> Verification:
    """Check a published draw (as downloaded from its public page): the seed matches the commitment, the inputs
    their digest, re-running the algorithm on them (with the witness value, if any) gives the published result,
    and the drawn enterprises and inspectors published by name agree with it."""
    inputs_text = json.dumps(bundle["inputs"], separators=(",", ":"), sort_keys=True)
    problem = ""
    try:
        rerun = draw_from_inputs(seed=derive_seed(bundle["seed"], bundle.get("witness") or ""), inputs=bundle["inputs"])
    except (DrawError, KeyError, TypeError, ValueError) as exc:
        rerun, problem = None, str(exc)
    result_matches = rerun is not None and rerun.as_json() == bundle["result"]
    drawn_matches = True
    if isinstance(rerun, StratifiedResult):
        drawn = bundle.get("drawn") or {}
        teams = {inspector for team in rerun.teams.values() for inspector in team}
        enterprises = drawn.get("enterprises", [])
        drawn_matches = len(enterprises) == len(set(enterprises)) == len(rerun.members) and sorted(
            drawn.get("inspectors", [])
        ) == sorted(teams)
    return Verification(
        commitment_matches=commitment(bundle["seed"]) == bundle["commitment"],
        inputs_match=digest(inputs_text) == bundle["inputs_digest"],
        result_matches=result_matches,
        drawn_matches=drawn_matches,
        problem=problem,
    )


def find_member(inputs: Mapping, member: str) -> tuple[str, int] | None:
    """(stratum, tickets) of a pseudonym in published qs-draw-v2 inputs, or None when it is not in the pool."""
    for name, stratum in inputs.get("strata", {}).items():
        for candidate, tickets in stratum["pool"]:
            if candidate == member:
                return name, tickets
    return None


def main(argv: list[str] | None = None) -> int:
    """python qs_draw.py BUNDLE.json (or python -m inspections.draw): verify a downloaded draw with plain Python.
    python qs_draw.py BUNDLE.json --member ID OPENING: an enterprise checks that it was in the pool, and where."""
    import sys

    args = sys.argv[1:] if argv is None else argv
    if len(args) not in (1, 4) or (len(args) == 4 and args[1] != "--member"):
        print("usage: python qs_draw.py BUNDLE.json [--member ENTERPRISE_ID OPENING]", file=sys.stderr)
        return 2
    with open(args[0], encoding="utf-8") as handle:
        bundle = json.load(handle)
    if len(args) == 4:
        member = pseudonym(args[3], int(args[2]))
        found = find_member(bundle["inputs"], member)
        print(f"pseudonym: {member}")
        if found is None:
            print("NOT IN THE POOL")
            return 1
        drawn = member in bundle.get("result", {}).get("teams", {}) if "result" in bundle else None
        print(f"in the pool, stratum {found[0]}, {found[1]} ticket(s)" + ("; drawn" if drawn else ""))
        return 0
    outcome = verify(bundle)
    print(f"commitment matches the seed: {outcome.commitment_matches}")
    print(f"inputs match their digest:   {outcome.inputs_match}")
    print(f"re-run gives the result:     {outcome.result_matches}")
    print(f"drawn names match the re-run: {outcome.drawn_matches}")
    if outcome.problem:
        print(f"problem: {outcome.problem}")
    print("VERIFIED" if outcome.ok else "NOT VERIFIED")
    return 0 if outcome.ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
