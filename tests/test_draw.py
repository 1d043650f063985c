"""The double-random draw is reproducible from its published inputs, stratified by class, pseudonymous, weighted,
and fair to inspectors. qs-draw-v1 (draws made before strata) still re-runs."""

import hashlib
import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from inspections.draw import (
    ALGORITHM,
    ALGORITHM_V1,
    DrawError,
    allocate,
    canonical_inputs,
    commitment,
    derive_seed,
    digest,
    draw,
    draw_enterprises,
    draw_from_inputs,
    draw_inspectors,
    draw_stratum,
    drawn_summary,
    find_member,
    member_pseudonym,
    opening,
    pool_snapshot,
    pseudonym,
    snapshot_digest,
    verify,
)

SEED = "5f0c1f1b0d2a4e6f8a9b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f"
KEY = "0123456789abcdef" * 4
ROOT = Path(__file__).resolve().parent.parent


def test_the_commitment_binds_the_seed():
    assert commitment(SEED) == hashlib.sha256(SEED.encode()).hexdigest()
    assert commitment(SEED) != commitment(SEED[:-1] + "0")


def test_the_witness_value_changes_the_seed_reproducibly():
    assert derive_seed(SEED) == SEED  # no witness: the bureau's seed itself
    with_witness = derive_seed(SEED, "纪检组 4721")
    assert (
        with_witness == hashlib.sha256(f"{SEED}|纪检组 4721".encode()).hexdigest() == derive_seed(SEED, "纪检组 4721")
    )
    assert with_witness not in (SEED, derive_seed(SEED, "纪检组 4722"))


def test_the_same_published_inputs_give_the_same_draw_whatever_their_order():
    pool = {n: 1 + n % 3 for n in range(1, 2001)}
    shuffled = dict(sorted(pool.items(), key=lambda item: hashlib.md5(str(item).encode()).hexdigest()))
    first = draw(seed=SEED, pool=pool, count=40, roster=range(100, 130))
    again = draw(seed=SEED, pool=shuffled, count=40, roster=reversed(range(100, 130)))
    assert first == again and first.algorithm == ALGORITHM_V1
    assert pool_snapshot(pool) == pool_snapshot(shuffled) and snapshot_digest(pool) == snapshot_digest(shuffled)
    assert draw(seed=SEED + "x", pool=pool, count=40, roster=range(100, 130)) != first


def test_the_algorithms_are_pinned():
    # If this changes, published draws can no longer be re-run: give the new algorithm a new version instead.
    assert draw_enterprises(seed="qs", pool={1: 1, 2: 1, 3: 2, 4: 3, 5: 0}, count=3) == [3, 4, 1]
    assert draw_inspectors(seed="qs", enterprises=[1, 2], roster=[7, 8, 9]) == {1: [7, 9], 2: [8, 9]}
    assert draw_stratum(seed="qs", stratum="B", pool={"aa": 1, "bb": 2, "cc": 1, "dd": 3}, count=2) == ["dd", "bb"]
    teams = draw_inspectors(seed="qs", enterprises=["x", "y", "z"], roster=[7, 8, 9, 10], sampled=True)
    assert teams == {"x": [7, 9], "y": [8, 10], "z": [8, 10]}
    assert opening(KEY, 7) == opening(KEY, 7) != opening(KEY, 8)
    assert pseudonym(opening(KEY, 7), 7) == hashlib.sha256(f"qs-draw|member|7|{opening(KEY, 7)}".encode()).hexdigest()


def test_the_allocation_gives_every_class_batches_by_weight_before_any_seed():
    # One batch to each non-empty stratum first (no class is exempt), the rest by weight × members, largest remainder.
    assert allocate(10, {"A": (1, 50), "B": (3, 300), "C": (9, 20)}) == {"A": 1, "B": 7, "C": 2}
    assert allocate(3, {"A": (1, 1), "B": (3, 1), "C": (9, 1)}) == {"A": 1, "B": 1, "C": 1}
    assert allocate(2, {"A": (1, 5), "B": (3, 5), "C": (9, 5)}) == {"A": 0, "B": 1, "C": 1}  # heaviest first
    assert allocate(12, {"A": (1, 10), "B": (3, 10), "C": (9, 2)}) == {"A": 3, "B": 7, "C": 2}  # C is full
    assert allocate(7, {"A": (1, 0), "B": (3, 10), "C": (9, 0)}) == {"A": 0, "B": 7, "C": 0}
    rates = allocate(300, {"A": (1, 1000), "B": (3, 1000), "C": (9, 1000)})
    assert rates == {"A": 24, "B": 69, "C": 207} and sum(rates.values()) == 300  # about 1 : 3 : 9
    with pytest.raises(DrawError):
        allocate(2, {"A": (0, 5), "B": (3, 5), "C": (9, 5)})  # a weight of zero would exempt a class
    with pytest.raises(DrawError):
        allocate(11, {"A": (1, 5), "B": (3, 5), "C": (9, 0)})


def test_weight_zero_is_never_drawn_and_the_pool_must_be_large_enough():
    assert 5 not in draw_enterprises(seed=SEED, pool={1: 1, 2: 1, 5: 0}, count=2)
    with pytest.raises(DrawError):
        draw_enterprises(seed=SEED, pool={1: 1, 2: 0}, count=2)
    with pytest.raises(DrawError):
        draw_enterprises(seed=SEED, pool={1: 1.5}, count=1)
    with pytest.raises(DrawError):
        draw_stratum(seed=SEED, stratum="A", pool={"x": 0}, count=1)  # in a stratum every member holds a ticket


def test_weights_set_the_odds():
    # Deterministic over 4 000 published seeds: weight 3 against weight 1 wins about three times in four.
    wins = Counter(draw_enterprises(seed=f"seed-{n}", pool={1: 1, 2: 3}, count=1)[0] for n in range(4000))
    assert 0.72 < wins[2] / 4000 < 0.78
    tickets = Counter(draw_stratum(seed=f"s-{n}", stratum="C", pool={"p": 1, "q": 3}, count=1)[0] for n in range(4000))
    assert 0.72 < tickets["q"] / 4000 < 0.78


def test_every_task_gets_two_inspectors_without_conflicts_and_work_is_shared():
    enterprises = list(range(1, 61))
    conflicts = {1: {100, 101}, 2: {102}}
    assignments = draw_inspectors(seed=SEED, enterprises=enterprises, roster=range(100, 120), conflicts=conflicts)
    assert all(len(team) == 2 and len(set(team)) == 2 for team in assignments.values())
    assert not {100, 101} & set(assignments[1]) and 102 not in assignments[2]
    load = Counter(inspector for team in assignments.values() for inspector in team)
    assert max(load.values()) - min(load.values()) <= 1


def test_fewer_than_two_inspectors_or_too_many_conflicts_are_refused():
    with pytest.raises(DrawError):
        draw_inspectors(seed=SEED, enterprises=[1], roster=range(10), per_task=1)
    with pytest.raises(DrawError):
        draw_inspectors(seed=SEED, enterprises=[1], roster=[7, 8], conflicts={1: {7}})


def _bundle(*, witness: str = "") -> dict:
    """A qs-draw-v2 draw of 30 enterprises (grades A, B, C by id), as the portal publishes it."""
    grades = {pk: "ABC"[pk % 3] for pk in range(1, 31)}
    named = {member_pseudonym(KEY, pk): pk for pk in grades}
    strata = {name: (weight, {}) for name, weight in (("A", 1), ("B", 3), ("C", 9))}
    for member, pk in named.items():
        strata[grades[pk]][1][member] = 2 if pk == 4 else 1
    conflicts = [(member_pseudonym(KEY, 5), 100)]
    text = canonical_inputs(count=6, per_task=2, strata=strata, roster=range(100, 106), conflicts=conflicts)
    inputs = json.loads(text)
    result = draw_from_inputs(seed=derive_seed(SEED, witness), inputs=inputs)
    bundle = {
        "commitment": commitment(SEED),
        "inputs_digest": digest(text),
        "inputs": inputs,
        "seed": SEED,
        "result": result.as_json(),
        "drawn": drawn_summary(result, [named[member] for member in result.members]),
    }
    if witness:
        bundle["witness"] = witness
    return bundle


def test_a_stratified_bundle_verifies_and_names_nobody_in_the_pool():
    bundle = _bundle()
    assert bundle["inputs"]["algorithm"] == ALGORITHM and verify(bundle).ok
    assert {name: s["batches"] for name, s in bundle["inputs"]["strata"].items()} == {"A": 1, "B": 2, "C": 3}
    for name, stratum in bundle["inputs"]["strata"].items():
        assert len(bundle["result"]["strata"][name]) == stratum["batches"] and stratum["size"] == 10
        assert all(len(member) == 64 for member, _tickets in stratum["pool"])
    assert all(isinstance(member, str) for member, _inspector in bundle["inputs"]["conflicts"])
    # An enterprise finds itself with its opening, in its stratum; the opening of one finds nobody else.
    assert find_member(bundle["inputs"], pseudonym(opening(KEY, 4), 4)) == ("B", 2)
    assert find_member(bundle["inputs"], pseudonym(opening(KEY, 4), 5)) is None


def test_a_witness_value_is_part_of_the_verified_seed():
    bundle = _bundle(witness="4721")
    assert verify(bundle).ok
    assert not verify({**bundle, "witness": "4722"}).result_matches
    assert not verify({key: value for key, value in bundle.items() if key != "witness"}).result_matches


def test_a_tampered_bundle_does_not_verify():
    bundle = _bundle()
    strata = json.loads(json.dumps(bundle["inputs"]["strata"]))
    strata["A"]["batches"], strata["C"]["batches"] = 2, 2  # batches moved between classes
    moved = {**bundle, "inputs": {**bundle["inputs"], "strata": strata}}
    outcome = verify(moved)
    assert (
        not outcome.ok and not outcome.inputs_match and not outcome.result_matches and "allocation" in outcome.problem
    )
    swapped = {**bundle["result"], "strata": {**bundle["result"]["strata"], "C": bundle["result"]["strata"]["C"][::-1]}}
    assert not verify({**bundle, "result": swapped}).result_matches
    extra = {**bundle, "drawn": {**bundle["drawn"], "enterprises": [*bundle["drawn"]["enterprises"], 99]}}
    assert not verify(extra).drawn_matches and not verify(extra).ok
    assert not verify({**bundle, "seed": "0" * 64}).commitment_matches


def test_the_file_verifies_with_nothing_but_python_and_an_enterprise_finds_itself(tmp_path):
    path = tmp_path / "draw.json"
    path.write_text(json.dumps(_bundle()))

    def run(*args):
        return subprocess.run(
            [sys.executable, "-m", "inspections.draw", str(path), *args],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=60,
        )

    verified = run()
    assert verified.returncode == 0 and verified.stdout.strip().endswith("VERIFIED")
    found = run("--member", "4", opening(KEY, 4))
    assert found.returncode == 0 and "stratum B, 2 ticket(s)" in found.stdout
    assert run("--member", "4", opening(KEY, 5)).returncode == 1
