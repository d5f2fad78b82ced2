"""The model card: what it takes to rebuild a trained model and feed it an image."""

from __future__ import annotations

from dataclasses import dataclass

from convolab._args import InvalidValueError
from convolab.data import Preprocess


@dataclass(frozen=True)
class ModelCard:
    """Name, classes and input preprocessing of a trained model, saved beside its weights.

    Attributes
    ----------
    model : str
        Registry name (``convolab.models.create_model``).
    classes : tuple of str
        Class names; output ``k`` scores ``classes[k]``.
    preprocess : Preprocess
        Input size, channels, normalisation statistics and pad-or-resize rule.
    data : str
        The data spec it was trained on (``""`` when unknown).
    """

    model: str
    classes: tuple[str, ...]
    preprocess: Preprocess
    data: str = ""

    def to_dict(self) -> dict:
        return {
            "model": self.model,
            "classes": list(self.classes),
            "preprocess": self.preprocess.to_dict(),
            "data": self.data,
        }

    @classmethod
    def from_dict(cls, d: dict, source: str = "model card") -> ModelCard:
        """The card :meth:`to_dict` wrote; ``source`` names the file in the error."""
        try:
            return cls(
                str(d["model"]),
                tuple(str(c) for c in d["classes"]),
                Preprocess.from_dict(d["preprocess"]),
                str(d.get("data", "")),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise InvalidValueError(
                f"{source!r} has a damaged model card ({type(exc).__name__}: {exc})"
            ) from None

    def build(self):
        """A freshly initialised model with this card's classes and input channels."""
        from convolab.models import create_model

        return create_model(
            self.model, num_classes=len(self.classes), in_channels=self.preprocess.in_channels
        )
