"""Receptive fields of published feature stacks."""

from __future__ import annotations

import pytest

from convolab.shape import receptive_field

# (kernel, stride, padding) of each conv/pool layer of the feature extractors
ALEXNET = [(11, 4, 2), (3, 2), (5, 1, 2), (3, 2), (3, 1, 1), (3, 1, 1), (3, 1, 1), (3, 2)]
VGG16 = [
    *[(3, 1, 1)] * 2,
    (2, 2),
    *[(3, 1, 1)] * 2,
    (2, 2),
    *[(3, 1, 1)] * 3,
    (2, 2),
    *[(3, 1, 1)] * 3,
    (2, 2),
    *[(3, 1, 1)] * 3,
    (2, 2),
]


def test_alexnet_receptive_field_is_195():
    last = receptive_field(ALEXNET)[-1]
    assert (last.size, last.jump) == (195, 32)


def test_vgg16_receptive_field_is_212():
    last = receptive_field(VGG16)[-1]
    assert (last.size, last.jump) == (212, 32)
    assert receptive_field(VGG16)[-2].size == 196  # conv5_3, before the last pooling


def test_sizes_jumps_and_starts_layer_by_layer():
    fields = receptive_field([(3, 1, 1), (2, 2), {"kernel_size": 3, "dilation": 2}])
    assert [(f.size, f.jump, f.start) for f in fields] == [(3, 1, -1), (4, 2, -1), (12, 2, -1)]
    assert fields[0].center == 0.0


def test_per_dimension_layers():
    fields = receptive_field(
        [{"kernel_size": (3, 5), "stride": (1, 2), "padding": ((1, 1), (2, 2))}]
    )
    assert fields[0].size == (3, 5) and fields[0].jump == (1, 2) and fields[0].start == (-1, -2)


@pytest.mark.parametrize(
    ("layers", "match"),
    [
        ([], "layers must be a non-empty sequence"),
        ("abc", "layers must be a non-empty sequence"),
        ([{"stride": 2}], r"layers\[0\] must be a mapping with 'kernel_size'"),
        ([(3, 0)], r"layers\[0\].stride must be an int >= 1"),
        ([(3, 1, -1)], r"layers\[0\].padding must be"),
        ([(3, 1, 0, 0)], r"layers\[0\].dilation must be an int >= 1"),
    ],
)
def test_receptive_field_bad_input(layers, match):
    with pytest.raises(ValueError, match=match):
        receptive_field(layers)
