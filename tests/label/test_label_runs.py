"""The serial runs an act's ``labels.*`` audit events name its labels by (app.label.runs)."""

from app.label.runs import runs_of, serials_by_batch


def test_runs_are_ascending_disjoint_and_never_adjacent() -> None:
    assert runs_of([]) == []
    assert runs_of([7, 3, 4, 5, 5, 9, 10, 1]) == [[1, 1], [3, 5], [7, 7], [9, 10]]
    assert runs_of(range(1, 10_001)) == [[1, 10_000]]


def test_serials_are_grouped_by_batch_in_order() -> None:
    changed = [(2, 5), (1, 3), (2, 1), (1, 2)]
    assert serials_by_batch(changed) == {1: [2, 3], 2: [1, 5]}
