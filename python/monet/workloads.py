"""Forward workload graphs: the built-in networks, YAML workload files and ONNX models.

Every function returns a :class:`Graph` (ops in execution order, tensors by id). Sizes are
in elements and bytes; `elem_bits` is the element size of activations and weights.
"""

from __future__ import annotations

import os
import warnings
from typing import List, Optional, Sequence, Tuple

from . import _monet
from ._checks import require
from ._monet import Graph, Op, Tensor
from .table import Table

__all__ = ["Graph", "Op", "Tensor", "resnet18", "resnet12", "mobilevit", "gpt2", "build",
           "builtin", "load", "describe", "op_table"]


def resnet18(batch: int = 1, input: int = 224, classes: int = 1000, elem_bits: int = 32) -> Graph:
    """ResNet-18 (torchvision): 11,689,512 parameters, 1.814 GMACs per 224x224 image."""
    return _monet.resnet18(batch=batch, input=input, classes=classes, elem_bits=elem_bits)


def resnet12(batch: int = 1, widths: Sequence[int] = (64, 160, 320, 640), input: int = 84,
             elem_bits: int = 32) -> Graph:
    """ResNet12 few-shot backbone (widths 64-160-320-640 by default, 84x84 input)."""
    return _monet.resnet12(batch=batch, widths=list(widths), input=input, elem_bits=elem_bits)


def mobilevit(variant: str = "xxs", batch: int = 1, input: int = 256, classes: int = 1000,
              elem_bits: int = 32) -> Graph:
    """MobileViT: variant "xxs", "xs" or "s"."""
    return _monet.mobilevit(variant=variant, batch=batch, input=input, classes=classes,
                            elem_bits=elem_bits)


def gpt2(preset: str = "small", batch: int = 1, seq: Optional[int] = None, *,
         layers: Optional[int] = None, heads: Optional[int] = None,
         d_model: Optional[int] = None, vocab: Optional[int] = None,
         max_positions: Optional[int] = None, dropout: bool = False,
         elem_bits: int = 32) -> Graph:
    """GPT-2 "small" or "medium"; seq (tokens) and any structural field may be overridden."""
    return _monet.gpt2(preset=preset, batch=batch, seq=seq, layers=layers, heads=heads,
                       d_model=d_model, vocab=vocab, max_positions=max_positions,
                       dropout=dropout, elem_bits=elem_bits)


def build(name: str, batch: int = 1, seq: int = 0, elem_bits: int = 32) -> Graph:
    """A built-in model by its CLI name (see :func:`builtin`); seq 0 keeps the default."""
    return _monet.build_model(name, batch=batch, seq=seq, elem_bits=elem_bits)


def builtin() -> List[Tuple[str, str]]:
    """(name, description) of every built-in model, as `monet-sim list` prints them."""
    return _monet.builtin_models()


def load(path: "str | os.PathLike[str]", batch: Optional[int] = None,
         elem_bits: Optional[int] = None) -> Graph:
    """A workload YAML file (configs/workloads/README.md) or an ONNX model (*.onnx).

    `batch` replaces the file's batch; for ONNX it replaces dim 0 of every data input.
    `elem_bits` is used where the file has no `element_bits`; for ONNX it replaces the
    model's element types (None keeps them: a float export is 32 bit). What the ONNX importer
    assumed or skipped is reported as a UserWarning.
    """
    path = os.fspath(path)
    if path.lower().endswith(".onnx"):
        graph, notes = _monet.import_onnx(path, batch=batch or 0, elem_bits=elem_bits or 0)
        for note in notes:
            warnings.warn(f"{path}: {note}", stacklevel=2)
        return graph
    return _monet.load_workload_file(path, batch=batch, elem_bits=elem_bits)


def describe(graph: Graph) -> dict:
    """The `monet-sim describe --json` document (schema monet.describe/1)."""
    return require(graph, Graph, "describe(graph)").describe()


def op_table(graph: Graph) -> Table:
    """One row per op: name, kind, pass, block, parameters, macs, element_ops, activation_bytes."""
    ops = require(graph, Graph, "op_table(graph)").describe()["ops"]
    cols = ["name", "kind", "pass", "block", "parameters", "macs", "element_ops",
            "activation_bytes"]
    return Table({c: [o[c] for o in ops] for c in cols})
