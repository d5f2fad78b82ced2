"""Formulas written out with their numbers."""

from __future__ import annotations

from convolab.shape import explain


def test_conv_formula():
    assert explain(224, 11, stride=4, padding=2) == [
        "floor((224 + 2 + 2 - 1*(11-1) - 1) / 4) + 1 = 55"
    ]


def test_same_padding_formula_shows_the_pair():
    assert explain(224, 7, stride=2, padding="same") == [
        "floor((224 + 2 + 3 - 1*(7-1) - 1) / 2) + 1 = 112"
    ]


def test_transposed_and_pool_formulas():
    assert explain(7, 3, 2, 1, kind="transpose", output_padding=1) == [
        "(7 - 1)*2 - 1 - 1 + 1*(3-1) + 1 + 1 = 14"
    ]
    assert explain((6, 7), 3, 2, kind="pool", ceil_mode=True) == [
        "ceil((6 + 0 + 0 - 1*(3-1) - 1) / 2) + 1 = 3",
        "ceil((7 + 0 + 0 - 1*(3-1) - 1) / 2) + 1 = 3",
    ]


def test_pool_formula_notes_the_dropped_window():
    # W=2, k=2, s=3, p=1: ceil(2/3)+1 = 2 windows, but the 2nd would start at 3 >= W + p
    line = explain(2, 2, 3, 1, kind="pool", ceil_mode=True)[0]
    assert line == (
        "ceil((2 + 1 + 1 - 1*(2-1) - 1) / 3) + 1 - 1 = 1 (a last window starting in "
        "the right padding is dropped)"
    )
