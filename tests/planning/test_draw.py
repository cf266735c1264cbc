"""The draw algorithm (gimark-draw-v1) on its own: reproducible from the seed, different with
another seed, conflicts never assigned, refusals, exact fractions, load spread, and the checker
anyone runs against a published plan."""

import ast
import hashlib
import json
import random
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from app.planning import draw
from app.planning.draw import DrawInput, DrawRefused, Target

DRAW_PY = Path(draw.__file__)


def population(n: int, enterprises: int = 4) -> list[Target]:
    return [Target(f"GI-T-{i:04d}", f"USCC{i % enterprises}") for i in range(1, n + 1)]


def spec(**overrides) -> DrawInput:
    fields = {
        "seed": "seed-1",
        "population": population(30),
        "pool": [11, 12, 13, 14],
        "sample_size": 8,
    }
    fields.update(overrides)
    return DrawInput(**fields)


def keys(drawn: list[draw.Drawn]) -> list[str]:
    return [d.key for d in drawn]


def test_the_same_seed_draws_the_same_targets_and_inspectors() -> None:
    first = draw.draw(spec())
    assert draw.draw(spec()) == first
    shuffled = list(reversed(spec().population))  # input order does not matter
    assert draw.draw(spec(population=shuffled)) == first


def test_another_seed_draws_differently() -> None:
    first = keys(draw.draw(spec(seed="seed-1")))
    others = {tuple(keys(draw.draw(spec(seed=f"seed-{i}")))) for i in range(2, 12)}
    assert tuple(first) not in others
    assert len(others) == 10


def test_known_answer_pins_the_algorithm() -> None:
    """A change to the algorithm must change its name: published plans are re-run with it."""
    result = draw.draw(
        DrawInput(
            seed="golden",
            population=population(10),
            pool=[11, 12, 13],
            excluded=frozenset({(11, "USCC1")}),
            inspectors_per_target=2,
            sample_size=4,
        )
    )
    assert [(d.rank, d.key, d.enterprise, d.inspectors) for d in result] == [
        (1, "GI-T-0006", "USCC2", (12, 13)),
        (2, "GI-T-0002", "USCC2", (11, 12)),
        (3, "GI-T-0009", "USCC1", (13, 12)),
        (4, "GI-T-0003", "USCC3", (11, 13)),
    ]


def test_targets_are_ranked_by_the_documented_hash() -> None:
    def h(text: str) -> str:
        return hashlib.sha256(text.encode()).hexdigest()

    expected = sorted(population(30), key=lambda t: h(f"seed-1|target|{t.key}"))[:8]
    assert keys(draw.draw(spec())) == [t.key for t in expected]


def test_conflicted_inspectors_are_never_assigned() -> None:
    rng = random.Random(20261123)
    for round_ in range(200):
        pool = rng.sample(range(100, 120), rng.randint(3, 8))
        targets = population(rng.randint(5, 40), enterprises=6)
        usccs = sorted({t.enterprise for t in targets})
        excluded = frozenset((i, u) for i in pool for u in usccs if rng.random() < 0.3) - {
            (pool[0], u) for u in usccs
        }  # one inspector is free everywhere
        result = draw.draw(
            DrawInput(
                seed=f"round-{round_}",
                population=targets,
                pool=pool,
                excluded=excluded,
                sample_fraction="0.5",
            )
        )
        for drawn in result:
            assert all((i, drawn.enterprise) not in excluded for i in drawn.inspectors)


def test_too_few_eligible_inspectors_refuses_and_names_the_target() -> None:
    targets = [Target("GI-A-0001", "USCC-A"), Target("GI-B-0001", "USCC-B")]
    excluded = frozenset({(11, "USCC-B")})
    with pytest.raises(DrawRefused, match=r"GI-B-0001 .*USCC-B.* 1 eligible .* 2 needed"):
        draw.draw(
            DrawInput(
                seed="s",
                population=targets,
                pool=[11, 12],
                excluded=excluded,
                inspectors_per_target=2,
                sample_size=2,
            )
        )


@pytest.mark.parametrize(
    ("size", "fraction", "expected"),
    [
        (None, "0.1", 3),  # ceil(2.5)
        (None, "0.07", 2),  # ceil(1.75)
        (None, "1", 25),
        (None, "0.0001", 1),  # never zero
        (5, None, 5),
        (40, None, 25),  # capped at the population
    ],
)
def test_sample_count(size, fraction, expected) -> None:
    assert draw.sample_count(25, size, fraction) == expected


def test_fractions_are_exact_not_floating_point() -> None:
    # 0.07 × 100 is 7.000000000000001 in floating point, and ceil() would draw 8.
    assert draw.sample_count(100, None, "0.07") == 7
    assert draw.sample_count(10, None, "0.3") == 3


@pytest.mark.parametrize(
    ("size", "fraction"), [(None, None), (3, "0.5"), (0, None), (None, "0"), (None, "1.5")]
)
def test_bad_samples_are_refused(size, fraction) -> None:
    with pytest.raises(DrawRefused):
        draw.sample_count(10, size, fraction)


@pytest.mark.parametrize(
    "overrides",
    [
        {"population": [Target("K", "U1"), Target("K", "U2")]},
        {"pool": [11, 11]},
        {"seed": ""},
        {"seed": "种子"},
        {"inspectors_per_target": 0},
    ],
)
def test_bad_inputs_are_refused(overrides) -> None:
    with pytest.raises(DrawRefused):
        draw.draw(spec(**overrides))


def test_load_is_spread_evenly_across_the_pool() -> None:
    for seed in ("a", "b", "c"):
        result = draw.draw(spec(seed=seed, sample_size=30, inspectors_per_target=1))
        load = Counter(i for d in result for i in d.inspectors)
        assert max(load.values()) - min(load.values()) <= 1
        assert sum(load.values()) == 30
    pairs = draw.draw(spec(sample_size=10, inspectors_per_target=2))
    load = Counter(i for d in pairs for i in d.inspectors)
    assert set(load.values()) == {5}
    assert all(len(set(d.inspectors)) == 2 for d in pairs)


def test_ranks_run_from_one_in_draw_order() -> None:
    result = draw.draw(spec())
    assert [d.rank for d in result] == list(range(1, 9))


# --- the published algorithm and the checker ----------------------------------------------


def test_the_stored_algorithm_text_is_named_and_published_by_the_checker() -> None:
    assert draw.ALGORITHM.startswith(draw.ALGORITHM_NAME + "\n")
    assert "``ALGORITHM``" in (draw.__doc__ or "")


def test_the_module_needs_nothing_but_the_standard_library() -> None:
    tree = ast.parse(DRAW_PY.read_text(encoding="utf-8"))
    imported = {
        (node.module or "") if isinstance(node, ast.ImportFrom) else alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in node.names
    }
    top = {name.split(".")[0] for name in imported}
    assert top <= set(sys.stdlib_module_names) | {"__future__"}, top


def published(seed: str = "seed-1") -> dict:
    """A plan as the public endpoint publishes it."""
    input_ = spec(seed=seed, excluded=frozenset({(11, "USCC1")}))
    result = draw.draw(input_)
    return {
        "id": 7,
        "algorithm": draw.ALGORITHM_NAME,
        "algorithm_text": draw.ALGORITHM,
        "seed": seed,
        "sample_size": 8,
        "sample_fraction": None,
        "inspectors_per_target": 1,
        "draw_input": {
            "population": [
                {"key": t.key, "enterprise": t.enterprise}
                for t in sorted(input_.population, key=lambda t: t.key)
            ],
            "pool": [{"id": i, "name": f"inspector {i}"} for i in input_.pool],
            "excluded": [{"inspector": 11, "enterprise": "USCC1"}],
        },
        "targets": [
            {
                "rank": d.rank,
                "key": d.key,
                "enterprise": d.enterprise,
                "inspectors": list(d.inspectors),
            }
            for d in result
        ],
    }


def test_check_confirms_a_faithful_plan() -> None:
    result = draw.check(published())
    assert result.matches
    assert result.lines[0].startswith("match: plan 7 (gimark-draw-v1, seed seed-1): 8 of 30")


def test_check_finds_a_swapped_target_and_a_swapped_inspector() -> None:
    plan = published()
    plan["targets"][2]["key"] = "GI-T-9999"
    plan["targets"][4]["inspectors"] = [99]
    result = draw.check(plan)
    assert not result.matches
    assert any("rank 3: published GI-T-9999" in line for line in result.lines)
    assert any("rank 5" in line and "[99]" in line for line in result.lines)


def test_check_finds_a_plan_drawn_with_another_seed() -> None:
    plan = published(seed="seed-1")
    plan["seed"] = "seed-2"
    assert not draw.check(plan).matches


def test_check_refuses_an_unknown_algorithm() -> None:
    plan = published() | {"algorithm": "gimark-draw-v9"}
    with pytest.raises(DrawRefused, match="gimark-draw-v9"):
        draw.check(plan)


def test_main_exit_codes(tmp_path, capsys) -> None:
    good = tmp_path / "plan.json"
    good.write_text(json.dumps(published()), encoding="utf-8")
    assert draw.main([str(good)]) == 0
    assert capsys.readouterr().out.startswith("match:")

    bad = published()
    bad["targets"][0]["key"] = "GI-X"
    tampered = tmp_path / "tampered.json"
    tampered.write_text(json.dumps(bad), encoding="utf-8")
    assert draw.main([str(tampered)]) == 1
    assert "MISMATCH" in capsys.readouterr().out

    assert draw.main([str(tmp_path / "missing.json")]) == 2
    assert "cannot check" in capsys.readouterr().err


def test_runs_as_a_lone_script_without_site_packages(tmp_path) -> None:
    """Anyone can copy draw.py and run it with a bare Python (-I -S: no gimark, no packages)."""
    copy = tmp_path / "draw.py"
    copy.write_text(DRAW_PY.read_text(encoding="utf-8"), encoding="utf-8")
    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps(published()), encoding="utf-8")
    run = subprocess.run(
        [sys.executable, "-I", "-S", str(copy), str(plan)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=60,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.startswith("match:")
