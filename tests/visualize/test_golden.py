"""golden.json is what Python answers now: a formula or message change fails here until the
file is regenerated (``.venv/bin/python tests/visualize/_visualize_golden.py``), and then the
JavaScript's tests (``node --test tests/visualize/js/``, in ``make test``) fail until the page
agrees."""

from __future__ import annotations

import json
import math

import pytest
from _visualize_golden import GOLDEN, dumps, golden

TOLERANCE = 1e-9  # floats of other machines' BLAS and FFT may differ in the last bits


def _differences(committed, fresh, where="") -> list[str]:
    """Where two JSON values differ: exactly for text, ints and structure, to 1e-9 for floats."""
    if isinstance(committed, dict) and isinstance(fresh, dict):
        if committed.keys() != fresh.keys():
            return [f"{where}: keys {sorted(committed)} != {sorted(fresh)}"]
        return [d for k in committed for d in _differences(committed[k], fresh[k], f"{where}.{k}")]
    if isinstance(committed, list) and isinstance(fresh, list):
        if len(committed) != len(fresh):
            return [f"{where}: {len(committed)} items != {len(fresh)}"]
        pairs = zip(committed, fresh)
        return [d for i, (a, b) in enumerate(pairs) for d in _differences(a, b, f"{where}[{i}]")]
    if isinstance(committed, float) or isinstance(fresh, float):
        close = math.isclose(committed, fresh, rel_tol=TOLERANCE, abs_tol=TOLERANCE)
        return [] if close else [f"{where}: {committed!r} != {fresh!r}"]
    return [] if committed == fresh else [f"{where}: {committed!r} != {fresh!r}"]


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
