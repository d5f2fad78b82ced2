"""The registry: listing, creation, close matches for unknown names, model_info."""

import pytest

from convolab.models import create_model, list_models, model_info


def test_list_models_patterns_and_natural_order():
    assert "lenet5" in list_models()
    assert list_models("lenet*") == ["lenet5"]
    assert list_models("no-such-*") == []
    with pytest.raises(TypeError, match="pattern must be"):
        list_models(5)


def test_unknown_name_lists_close_matches():
    with pytest.raises(ValueError, match=r"close matches: lenet5, .*got 'lenet'"):
        create_model("lenet")
    with pytest.raises(ValueError, match=r"model must be a registered model name"):
        model_info("zzz")
    with pytest.raises(TypeError, match="model must be"):
        create_model(3)


def test_create_model_sizes_are_checked():
    model = create_model("lenet5", num_classes=3, in_channels=2, variant="modern")
    assert model.classifier.output.out_features == 3
    assert model.features.c1.in_channels == 2
    with pytest.raises(ValueError, match="num_classes must be an int >= 1, got 0"):
        create_model("lenet5", num_classes=0)
    with pytest.raises(TypeError, match="in_channels must be an int >= 1"):
        create_model("lenet5", in_channels=1.5)


def test_an_unknown_name_points_at_the_command_that_lists_models():
    from convolab.models import create_model

    with pytest.raises(
        ValueError, match=r"as `convolab models` .* lists them \(close matches: lenet5"
    ):
        create_model("lenet9")
