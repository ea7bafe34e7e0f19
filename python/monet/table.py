"""A small column table: named NumPy columns of equal length.

Numeric columns are float64/int64 arrays, text columns are arrays of str. `rows()` gives
the same data as a list of dicts; `to_pandas()` works when pandas is installed.
"""

from __future__ import annotations

import csv
from collections import abc
from typing import Any, Dict, Iterator, List, Mapping, Sequence

import numpy as np

from ._checks import require


class Table:
    """Columns of equal length, in insertion order."""

    def __init__(self, columns: Mapping[str, Any]):
        self._columns: Dict[str, np.ndarray] = {}
        length = None
        for name, values in require(columns, abc.Mapping, "Table(columns)").items():
            array = values if isinstance(values, np.ndarray) else np.asarray(list(values))
            if length is None:
                length = len(array)
            elif len(array) != length:
                raise ValueError(f"column {name!r} has {len(array)} rows, expected {length}")
            self._columns[name] = array
        self._length = length or 0

    @property
    def columns(self) -> List[str]:
        return list(self._columns)

    def __len__(self) -> int:
        return self._length

    def __getitem__(self, name: str) -> np.ndarray:
        try:
            return self._columns[name]
        except KeyError:
            raise KeyError(f"no column {name!r} (columns: {', '.join(self._columns)})") from None

    def __contains__(self, name: str) -> bool:
        return name in self._columns

    def __iter__(self) -> Iterator[Dict[str, Any]]:
        return iter(self.rows())

    def rows(self) -> List[Dict[str, Any]]:
        """One dict per row with plain Python values."""
        lists = {k: v.tolist() for k, v in self._columns.items()}
        return [{k: lists[k][i] for k in lists} for i in range(self._length)]

    def where(self, mask: Sequence[bool]) -> "Table":
        """The rows where `mask` is true."""
        m = np.asarray(mask, dtype=bool)
        return Table({k: v[m] for k, v in self._columns.items()})

    def to_csv(self, path: str) -> None:
        with open(path, "w", newline="") as f:
            w = csv.writer(f)
            w.writerow(self.columns)
            for row in self.rows():
                w.writerow([repr(v) if isinstance(v, float) else v for v in row.values()])

    def to_pandas(self):  # pragma: no cover - pandas is optional
        import pandas as pd

        return pd.DataFrame(self._columns)

    def __repr__(self) -> str:
        return f"<Table {self._length} rows: {', '.join(self.columns)}>"
