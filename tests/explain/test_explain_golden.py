"""golden.json is what Python answers now: a change to the explain page's Python side fails
here until the file is regenerated (``.venv/bin/python tests/explain/_explain_golden.py``), and
then the JavaScript's tests (``node --test tests/explain/js/``, in ``make test``) fail until
the page agrees."""

from __future__ import annotations

import json

import pytest
from _explain_golden import GOLDEN, dumps, golden

from _golden_json import differences

TOLERANCE = 1e-5  # float32 results of other machines' BLAS may differ in the last bits


@pytest.fixture(scope="module")
def fresh() -> dict:
    return json.loads(dumps(golden()))  # as the file would hold it


def test_the_golden_file_is_what_python_answers_now(fresh):
    committed = json.loads(GOLDEN.read_text(encoding="utf-8"))
    found = differences(committed, fresh, TOLERANCE)
    assert not found, (
        f"{len(found)} answers changed, first: {found[:5]}; after a deliberate change run "
        ".venv/bin/python tests/explain/_explain_golden.py"
    )


def test_the_comparison_sees_a_changed_float32_array(fresh):
    changed = json.loads(json.dumps(fresh))
    run = changed["nets"][0]["runs"][0]
    run["x"] = fresh["nets"][0]["runs"][0]["layers"][0][0][: len(run["x"])]  # other floats
    run["probabilities"][0] += 1e-4
    assert len(differences(fresh, changed, TOLERANCE)) == 2
