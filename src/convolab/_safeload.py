"""Reading tensors from files without running code, with errors that say what a file is.

``torch.load(weights_only=True)`` refuses any pickle that names more than tensors and plain
containers, but it reports every failure alike (random bytes, a plain ``pickle.dump`` file and
a pickle that would call ``os.system`` all raise "Weights only load failed"), and it warns
about pickle protocols it did not write. :func:`torch_load` looks at the file first:

- a ``torch.save`` file is a zip archive holding ``<name>/data.pkl``, or (torch's legacy
  format) a run of pickles starting with torch's magic number;
- anything else is "not a <what>": random bytes, text, a plain pickle without code (a plain
  pickle that names a callable is refused as code, whatever else it is);
- a ``torch.save`` file that torch refuses is refused as code when its pickle parses, and
  called damaged when it does not.

No pickle is ever unpickled here except by ``torch.load(weights_only=True)``:
:mod:`pickletools` only parses opcodes.
"""

from __future__ import annotations

import io
import pickle
import pickletools
import warnings
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from convolab._args import InvalidValueError

# torch.save's legacy (non-zip) format starts with this number, pickled (torch.serialization).
TORCH_MAGIC = 0x1950A86A20F9469CFC6C
# The legacy format is four pickles (magic, protocol, system info, the object) then storages.
LEGACY_PICKLES = 4
# A convolab training checkpoint is a dict with this "format" (written by
# convolab.train._checkpoint; its "model" entry is the state dict that models reads).
CHECKPOINT_FORMAT = "convolab-checkpoint-1"


class _NoGlobals(pickle.Unpickler):
    """Unpickles plain values only: any class or function reference is refused."""

    def find_class(self, module: str, name: str):
        raise pickle.UnpicklingError(f"{module}.{name} is not a plain value")


def _torch_pickle(path: Path, what: str) -> bytes | None:
    """The ``data.pkl`` record of a zip-format ``torch.save`` file, None for the legacy format.

    Raises the error for anything else: a zip archive without ``data.pkl``, a truncated zip
    (its local header but no central directory), or a file of neither format.
    """
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            names = [n for n in archive.namelist() if n.endswith("/data.pkl") or n == "data.pkl"]
            if names:
                return archive.read(names[0])
        raise InvalidValueError(
            f"{str(path)!r} is not a {what}: it is a zip archive without the data.pkl record "
            "torch.save writes"
        )
    with open(path, "rb") as f:
        zipped = f.read(4) == b"PK\x03\x04"  # a zip's first local file header
    if zipped:
        raise _damaged(path, what)
    if not _is_legacy(path):
        raise _not_torch_file(path, what)
    return None


def _is_legacy(path: Path) -> bool:
    """True when the file starts with torch's magic number, pickled (any protocol)."""
    with open(path, "rb") as f:
        head = f.read(64)  # a pickled int of 10 bytes takes at most ~30
    try:
        return _NoGlobals(io.BytesIO(head)).load() == TORCH_MAGIC
    except Exception:  # any malformed start: not the legacy format
        return False


@dataclass
class PickleFacts:
    """What parsing (not running) a pickle tells: its protocol and the globals it names."""

    protocol: int = 0
    globals: list[str] = field(default_factory=list)  # "module.name", in order of use


_STRINGS = frozenset(
    {"SHORT_BINUNICODE", "BINUNICODE", "BINUNICODE8", "UNICODE", "SHORT_BINSTRING", "BINSTRING"}
)
_GETS = frozenset({"GET", "BINGET", "LONG_BINGET"})
_PUTS = frozenset({"PUT", "BINPUT", "LONG_BINPUT"})


def _read_pickles(stream, count: int) -> PickleFacts | None:
    """Facts of ``count`` consecutive pickles in ``stream``, or None if one does not parse.

    STACK_GLOBAL (protocol 4+) takes its module and name from the two values pushed before
    it, often fetched from the memo, so pushed strings and the memo are followed.
    """
    facts, memo, pushed = PickleFacts(), {}, [None, None]
    try:
        for _ in range(count):
            for op, arg, _pos in pickletools.genops(stream):
                if op.name == "PROTO":
                    facts.protocol = max(facts.protocol, arg)
                elif op.name == "GLOBAL":
                    facts.globals.append(arg.replace(" ", "."))
                elif op.name == "STACK_GLOBAL":
                    facts.globals.append(f"{pushed[-2]}.{pushed[-1]}")
                if op.name == "MEMOIZE" or op.name in _PUTS:
                    memo[len(memo) if op.name == "MEMOIZE" else arg] = pushed[-1]
                elif op.name in _STRINGS or op.name in _GETS:
                    pushed.append(arg if op.name in _STRINGS else memo.get(arg))
                else:
                    pushed.append(None)
    except Exception:  # truncated, or not a pickle at all
        return None
    return facts


def _foreign_globals(facts: PickleFacts) -> list[str]:
    """Globals outside torch and the containers torch.save writes: what could run code."""
    return [g for g in facts.globals if not g.startswith(("torch.", "collections.OrderedDict"))]


def _refuse_code(path: Path, what: str, names: list[str]) -> InvalidValueError:
    return InvalidValueError(
        f"refusing to load {what} {str(path)!r}: it names {', '.join(dict.fromkeys(names))}; "
        "unpickling it could run code"
    )


def _not_torch_file(path: Path, what: str) -> InvalidValueError:
    with open(path, "rb") as f:
        facts = _read_pickles(f, 1)
    if facts is not None and _foreign_globals(facts):
        return _refuse_code(path, what, _foreign_globals(facts))
    reason = (
        "it is a plain pickle, which torch.save does not write"
        if facts is not None and facts.protocol >= 2
        else "torch.save did not write it (it is neither a zip archive nor a pickle)"
    )
    return InvalidValueError(f"{str(path)!r} is not a {what}: {reason}")


def _refused_by_torch(path: Path, what: str, archived: bytes | None) -> InvalidValueError:
    """The error for a torch.save file that ``torch.load(weights_only=True)`` refused.

    ``archived`` is its ``data.pkl`` (zip format), or None for the legacy format.
    """
    if archived is not None:
        facts = _read_pickles(io.BytesIO(archived), 1)
    else:
        with open(path, "rb") as f:
            facts = _read_pickles(f, LEGACY_PICKLES)
    if facts is None:
        return _damaged(path, what)
    foreign = _foreign_globals(facts)
    if foreign or facts.protocol <= 2:
        return _refuse_code(path, what, foreign or ["objects torch does not allow"])
    return InvalidValueError(
        f"{str(path)!r} cannot be read safely: torch.load(weights_only=True) does not read "
        f"pickle protocol {facts.protocol}; save it again with torch.save's default protocol"
    )


def _damaged(path: Path, what: str) -> InvalidValueError:
    return InvalidValueError(
        f"{str(path)!r} is not a readable {what}: it is damaged or truncated (torch.load "
        "cannot read it)"
    )


def torch_load(path: str | Path, what: str = "checkpoint") -> object:
    """``torch.load(path, weights_only=True)`` on the CPU, silent, with one clear error.

    Parameters
    ----------
    path : str or Path
        A file written by ``torch.save``.
    what : str
        What the caller expects (``"checkpoint"``, ``"weights file"``), used in messages.

    Raises
    ------
    FileNotFoundError
        There is no such file.
    InvalidValueError
        The file is not a ``torch.save`` file, names code to run, or is damaged.
    """
    import torch

    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(2, f"No such {what}", str(path))
    archived = _torch_pickle(path, what)
    try:
        with warnings.catch_warnings():
            # torch warns about pickle protocols it did not write; the result says enough.
            warnings.simplefilter("ignore")
            return torch.load(path, map_location="cpu", weights_only=True)
    except pickle.UnpicklingError:
        raise _refused_by_torch(path, what, archived) from None
    except Exception:  # zip, struct and EOF errors of a truncated file
        raise _damaged(path, what) from None


def safetensors_load(path: str | Path, what: str = "weights file") -> tuple[dict, dict]:
    """(tensors on the CPU, metadata dict) of a ``.safetensors`` file, with one clear error."""
    from safetensors import safe_open
    from safetensors.torch import load_file

    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(2, f"No such {what}", str(path))
    try:
        with safe_open(str(path), framework="pt") as f:
            metadata = f.metadata() or {}
        return load_file(str(path), device="cpu"), metadata
    except Exception as exc:  # safetensors raises its own SafetensorError for bad headers
        reason = " ".join(str(exc).split())
        raise InvalidValueError(
            f"{str(path)!r} is not a readable safetensors {what}: {reason}"
        ) from None
