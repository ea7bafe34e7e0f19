"""Accelerator descriptions: presets, YAML files, and edits for hardware exploration.

An :class:`Accelerator` is a mutable object: every field of the C++ structs is an attribute
(base units: bytes, Hz, bits per cycle, bytes/s, pJ, pJ/bit), and lists are edited in place::

    acc = monet.accelerators.load("tpu-like")
    acc.core("tpu").array[0].size = 64                 # PEs along D1
    acc.core("tpu").memory("sram").size_bytes = 4 << 20
    acc.dram.bandwidth_bytes_per_s = 11.2e9

Simulations call :meth:`Accelerator.checked` first, which re-derives dependent fields (CIM
arrays, copies of shared memories, per-PE instances) and rejects impossible values with a
:class:`monet.ConfigError` naming the field. :func:`with_knobs` applies the same knobs as
`monet-sim search` (array, memory, dram_bandwidth) to a copy, values with or without units.
"""

from __future__ import annotations

import os
from typing import List, Mapping, Optional, Union

from . import _monet
from ._checks import require
from ._monet import (Accelerator, ArrayDim, CimSpec, Core, Dram, Link, MemoryLevel, MonetError,
                     TlmmSpec)

__all__ = ["Accelerator", "ArrayDim", "CimSpec", "Core", "Dram", "Link", "MemoryLevel", "TlmmSpec",
           "load",
           "presets", "parse", "to_yaml", "with_knobs", "config_dir",
           "config_path"]

Quantity = Union[int, float, str]


def load(name_or_path: "str | os.PathLike[str]") -> Accelerator:
    """A preset name (see :func:`presets`) or an accelerator YAML file."""
    return _monet.load_accelerator(os.fspath(name_or_path))


def presets() -> List[str]:
    """Preset names (<folder>/accelerators/*.yaml over :func:`config_path`), sorted."""
    return _monet.preset_names()


def parse(text: str, name: str = "<python>") -> Accelerator:
    """An accelerator from YAML text; `name` stands in for the file in error messages."""
    return _monet.parse_accelerator_yaml(text, name)


def to_yaml(acc: Accelerator, header: str = "") -> str:
    """The accelerator as a YAML document that :func:`parse` reads back."""
    require(acc, Accelerator, "to_yaml(acc)")
    return _monet.accelerator_yaml(acc.checked(), header)


def config_dir() -> str:
    """The configs shipped with this package (<prefix>/share/monet-sim/configs once installed,
    the sources' configs/ in a build tree): workloads, experiments and presets."""
    return _monet.config_dir()


def config_path() -> List[str]:
    """Folders searched for preset names, in order: each folder of $MONET_CONFIG_PATH
    (separated by ':'), then :func:`config_dir`."""
    return _monet.config_path()


def _quantity(value: Quantity, dimension: str, what: str) -> float:
    if isinstance(value, str):
        return _monet.parse_quantity(value, dimension)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise MonetError(f"{what}: {value!r} is neither a number nor a quantity with units")
    return float(value)


def _cores(acc: Accelerator, name: str, what: str) -> list:
    cores = [c for c in acc.cores if c.name == name or c.group == name]
    if not cores:
        known = ", ".join(sorted({c.group or c.name for c in acc.cores}))
        raise MonetError(f"{what}: accelerator '{acc.name}' has no core or core group "
                         f"'{name}' (cores: {known})")
    return cores


def with_knobs(acc: "Accelerator | str", *, array: Optional[Mapping[str, int]] = None,
               memory: Optional[Mapping[str, Quantity]] = None,
               dram_bandwidth: Optional[Quantity] = None,
               dram_capacity: Optional[Quantity] = None) -> Accelerator:
    """A checked copy of `acc` (an Accelerator, preset name or file) with knobs applied.

    array:  {"CORE": n} sets every array dimension of the core (or repeat group) to n PEs,
            as the search's array knob does; {"CORE.D1": n} sets one dimension.
    memory: {"CORE.LEVEL": size} sets a memory level's size ("4 MiB" or bytes).
    dram_bandwidth: "11.2 GB/s" or bytes/s, the peak; a stated sustained share is kept
                    (dram.sustained_fraction).   dram_capacity: "8 GiB" or bytes.
    """
    if not isinstance(acc, (str, os.PathLike)):
        require(acc, Accelerator, "with_knobs(acc)")
    out = load(acc) if isinstance(acc, (str, os.PathLike)) else acc.copy()
    for key, n in (array or {}).items():
        core_name, _, dim = key.partition(".")
        if isinstance(n, bool) or not isinstance(n, int) or n < 1:
            raise MonetError(f"array knob {key!r}: {n!r} must be a positive integer")
        for core in _cores(out, core_name, f"array knob {key!r}"):
            dims = [d for d in core.array if not dim or d.name == dim]
            if not dims:
                known = ", ".join(d.name for d in core.array) or "none"
                raise MonetError(f"array knob {key!r}: core '{core.name}' has no array "
                                 f"dimension '{dim}' (dimensions: {known})")
            for d in dims:
                d.size = n
    for key, size in (memory or {}).items():
        core_name, _, level = key.partition(".")
        if not level:
            raise MonetError(f"memory knob {key!r}: write CORE.LEVEL, e.g. 'tpu.sram'")
        value = _quantity(size, "bytes", f"memory knob {key!r}")
        for core in _cores(out, core_name, f"memory knob {key!r}"):
            m = core.memory(level)
            if m.shared_index >= 0:  # a copy: the shared definition is what checked() uses
                out.shared_memories[m.shared_index].size_bytes = value
            else:
                m.size_bytes = value
    if dram_bandwidth is not None:
        out.dram.bandwidth_bytes_per_s = _quantity(dram_bandwidth, "bandwidth", "dram_bandwidth")
    if dram_capacity is not None:
        out.dram.capacity_bytes = _quantity(dram_capacity, "bytes", "dram_capacity")
    return out.checked()
