"""golden.json is what Python answers now: a formula or message change fails here until the
file is regenerated (``.venv/bin/python tests/visualize/_visualize_golden.py``), and then the
JavaScript's tests (``node --test tests/visualize/js/``, in ``make test``) fail until the page
agrees."""

from __future__ import annotations

import json

import pytest
from _visualize_golden import GOLDEN, dumps, golden

from _golden_json import differences

TOLERANCE = 1e-9  # floats of other machines' BLAS and FFT may differ in the last bits


def _differences(committed, fresh) -> list[str]:
    """Where two JSON values differ: exactly for text, ints and structure, to 1e-9 for floats."""
    return differences(committed, fresh, TOLERANCE)


@pytest.fixture(scope="module")
def fresh() -> dict:
    return json.loads(dumps(golden()))  # as the file would hold it


@pytest.mark.filterwarnings("ignore:Using padding='same' with even kernel:UserWarning")
def test_the_golden_file_is_what_python_answers_now(fresh):
    committed = json.loads(GOLDEN.read_text(encoding="utf-8"))
    differences = _differences(committed, fresh)
    assert not differences, (
        f"{len(differences)} answers changed, first: {differences[:5]}; after a deliberate "
        "change run .venv/bin/python tests/visualize/_visualize_golden.py"
    )


def test_the_comparison_sees_a_changed_answer(fresh):
    changed = json.loads(json.dumps(fresh))
    changed["geometry"][0]["out"][0] += 1
    changed["layers"][-1]["y" if "y" in changed["layers"][-1] else "error"] = "x"
    assert len(_differences(fresh, changed)) == 2
    changed = json.loads(json.dumps(fresh))
    first_float = next(f for f in changed["filters"] if isinstance(f["output"][0], float))
    first_float["output"][0] += 1e-6
    assert _differences(fresh, changed)


def test_the_cases_cover_what_the_page_does(fresh):
    geometry = fresh["geometry"]
    assert {c["kind"] for c in geometry} == {"conv", "transpose"}
    assert sum("error" in c for c in geometry) > 50 < sum("error" not in c for c in geometry)
    paddings = {c["args"]["padding"] for c in geometry if isinstance(c["args"]["padding"], str)}
    assert {"same", "valid", "causal"} <= paddings
    layers = [c for c in fresh["layers"] if "error" not in c]
    assert {c["settings"]["paddingMode"] for c in layers} == {
        "zeros",
        "reflect",
        "replicate",
        "circular",
    }
    assert {f["tile"] for f in fresh["filters"]} == {"gray", "tiny", "rgb", "float"}
