"""fit(): the run directory, metrics, and evaluate/predict/inspect on its output."""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch
from PIL import Image
from sklearn.metrics import confusion_matrix, precision_score, recall_score

from convolab.data import model_input
from convolab.train import (
    EvalResult,
    TrainConfig,
    evaluate,
    feature_maps,
    first_layer_filters,
    fit,
    inspect_model,
    load_checkpoint,
    load_trained,
    predict,
)


def test_run_directory_holds_every_file(short_run):
    run = short_run.run_dir
    for name in (
        "config.json",
        "metrics.jsonl",
        "last.pt",
        "best.pt",
        "model.safetensors",
        "test.json",
        "curves.png",
        "confusion.png",
    ):
        assert (run / name).is_file(), name
    assert TrainConfig.from_dict(json.loads((run / "config.json").read_text())).epochs == 4
    rows = [json.loads(line) for line in (run / "metrics.jsonl").read_text().splitlines()]
    assert rows == short_run.history and [r["epoch"] for r in rows] == [1, 2, 3, 4]
    assert set(rows[0]) == {
        "epoch",
        "train_loss",
        "train_acc",
        "val_loss",
        "val_acc",
        "lr",
        "time_s",
        "img_per_s",
    }
    best = load_checkpoint(run / "best.pt")
    assert best["best"]["val_acc"] == max(r["val_acc"] for r in rows)
    assert load_checkpoint(run / "last.pt")["epoch"] == 4
    assert short_run.test.accuracy > 0.8  # 4 epochs: well on the way


def test_evaluate_reloaded_model_matches_fit_and_sklearn(short_run):
    trained = load_trained(short_run.run_dir)
    result = evaluate(trained, "digits")
    np.testing.assert_array_equal(result.confusion, short_run.test.confusion)
    x = torch.cat([short_run.sample(i)[1] for i in range(len(short_run.data.test))])
    with torch.no_grad():
        predicted = trained.model(x).argmax(1).numpy()
    truth = short_run.data.test.labels
    np.testing.assert_array_equal(result.confusion, confusion_matrix(truth, predicted))
    np.testing.assert_allclose(
        result.precision, precision_score(truth, predicted, average=None, zero_division=0)
    )
    np.testing.assert_allclose(result.recall, recall_score(truth, predicted, average=None))
    assert result.accuracy == pytest.approx((truth == predicted).mean())


def test_metrics_of_a_hand_made_confusion():
    result = EvalResult(0.5, np.array([[3, 1, 0], [0, 0, 0], [2, 0, 4]]), ("a", "b", "c"))
    assert result.accuracy == pytest.approx(7 / 10)
    np.testing.assert_allclose(result.precision, [3 / 5, 0, 1])
    np.testing.assert_allclose(result.recall, [3 / 4, 0, 4 / 6])
    assert "precision" in result.table() and result.to_dict()["count"] == 10


def test_predict_image_files(short_run, tmp_path):
    trained = load_trained(short_run.run_dir / "model.safetensors")
    paths = []
    for i in range(5):
        image, _, _ = short_run.sample(i)
        path = tmp_path / f"{i}.png"
        Image.fromarray(image[..., 0]).resize((40, 40)).save(path)  # any size is fine
        paths.append(path)
    top = predict(trained, paths, k=3)
    assert all(len(t) == 3 and t[0][1] >= t[1][1] >= t[2][1] for t in top)
    files = [np.asarray(Image.open(path))[..., None] for path in paths]  # (40, 40, 1) each
    x = torch.cat([model_input(f, trained.card.preprocess) for f in files])  # 40x40 -> 32x32
    with torch.no_grad():
        from_files = trained.model(x).softmax(1)
    for t, probs in zip(top, from_files):
        assert t[0] == (
            trained.card.classes[int(probs.argmax())],
            pytest.approx(float(probs.max())),
        )
    x = torch.cat([short_run.sample(i)[1] for i in range(5)])
    with torch.no_grad():
        probs = trained.model(x).softmax(1)
    exact = predict(trained, [short_run.sample(0)[0]], k=10)[0]
    assert sum(p for _, p in exact) == pytest.approx(1.0, abs=1e-5)
    assert exact[0][1] == pytest.approx(float(probs[0].max()), abs=1e-5)


def test_inspect_filters_and_maps(short_run, tmp_path):
    model = short_run.model
    np.testing.assert_array_equal(
        first_layer_filters(model), model.features.c1.weight.detach().numpy()
    )
    image, x, _ = short_run.sample(3)
    maps = feature_maps(model, x)
    assert list(maps) == ["features.c1", "features.c3", "features.c5"]
    with torch.no_grad():
        c1 = torch.nn.functional.conv2d(x, model.features.c1.weight, model.features.c1.bias)
    np.testing.assert_allclose(maps["features.c1"], c1[0].numpy(), atol=1e-6)
    assert maps["features.c3"].shape == (16, 10, 10) and maps["features.c5"].shape == (120, 1, 1)
    written = inspect_model(model, x, tmp_path, image, "a digit")
    assert sorted(p.name for p in written) == [
        "filters.png",
        "input.png",
        "maps_features_c1.png",
        "maps_features_c3.png",
        "maps_features_c5.png",
    ]
    assert all(Image.open(p).size[0] > 200 for p in written)


def test_in_memory_fit_writes_nothing_and_sgd_cosine_runs(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = fit(
        TrainConfig(
            epochs=1,
            optimizer="sgd",
            lr=0.05,
            schedule="cosine",
            label_smoothing=0.1,
            augment=False,
            device="cpu",
        )
    )
    assert result.run_dir is None and list(tmp_path.iterdir()) == []
    assert len(result.history) == 1 and result.history[0]["lr"] == pytest.approx(0, abs=1e-9)


def test_refuses_to_overwrite_a_run_and_to_resume_with_other_settings(short_run):
    with pytest.raises(FileExistsError, match=r"already holds a run.*--resume.*--force"):
        fit(TrainConfig(epochs=4, out=str(short_run.run_dir)))
    with pytest.raises(ValueError, match=r"cannot resume .* lr differ"):
        fit(TrainConfig(epochs=4, lr=0.3, out=str(short_run.run_dir), resume=True))


@pytest.mark.parametrize(
    "kw, error, match",
    [
        (dict(epochs=0), ValueError, "epochs must be an int >= 1, got 0"),
        (dict(batch_size=2.5), TypeError, "batch_size must be an int >= 1"),
        (dict(optimizer="adam"), ValueError, "optimizer must be one of 'adamw', 'sgd'"),
        (dict(schedule="step"), ValueError, "schedule must be one of"),
        (dict(lr=0), ValueError, "lr must be a number > 0.0"),
        (dict(label_smoothing=1.0), ValueError, "label_smoothing must be a number >= 0.0 and < 1"),
        (dict(device="tpu"), ValueError, "device must be one of"),
        (dict(resume=True), ValueError, "out must be a run directory when resume=True"),
        (dict(model=5), TypeError, "model must be a string"),
        (dict(augment="yes"), TypeError, "augment must be True or False, got 'yes'"),
        (dict(out=3), TypeError, "out must be a string or None"),
        (dict(threads=-1), ValueError, "threads must be an int >= 0"),
        (dict(fit="crop"), ValueError, "fit must be one of 'auto', 'resize', 'pad'"),
    ],
)
def test_bad_config(kw, error, match):
    with pytest.raises(error, match=match):
        TrainConfig(**kw)


def test_bad_names_and_devices():
    with pytest.raises(ValueError, match="model must be a registered model name"):
        fit(TrainConfig(model="lenet6", epochs=1))
    with pytest.raises(ValueError, match="data kind must be one of"):
        fit(TrainConfig(data="imagenet:/x", epochs=1))
    if not torch.cuda.is_available():
        with pytest.raises(ValueError, match="device must be an available device"):
            fit(TrainConfig(device="cuda", epochs=1))


@pytest.mark.parametrize(
    "kw",
    [
        dict(amp=True),
        dict(channels_last=True),
        dict(workers=2),
        pytest.param(
            dict(model="resnet18", batch_size=8, schedule="constant"), marks=pytest.mark.slow
        ),  # 224x224 inputs: slow on a CPU
    ],
)
def test_runtime_options_train(small_data, kw):
    data = small_data(16 if "model" in kw else 120)
    result = fit(TrainConfig(epochs=1, device="cpu", **kw), data=data)
    assert np.isfinite(result.history[0]["train_loss"]) and result.test.count == 40


def test_fit_docstring_example_is_skipped_by_doctest(tmp_path, monkeypatch):
    import doctest

    import convolab.train._fit as module

    monkeypatch.chdir(tmp_path)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0 and not (tmp_path / "runs").exists()
