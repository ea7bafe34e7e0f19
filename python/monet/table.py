"""A small column table: named NumPy columns of equal length.

Numeric columns are float64/int64 arrays, text columns are arrays of str.

    t["name"]        a column (NumPy array)
    t[0], t[-1]      a row as a dict
    t[:3], t[mask]   a Table of some rows (slice, boolean mask or index list)
    for row in t     rows as dicts
    t.rows()         every row as a dict; t.to_pandas() a pandas DataFrame (python3-pandas)
"""

from __future__ import annotations

import csv
from collections import abc
from typing import Any, Dict, Iterator, List, Mapping, Sequence, Union

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

    def __getitem__(self, key: Union[str, int, slice, Sequence[int], Sequence[bool], np.ndarray]):
        if isinstance(key, str):
            try:
                return self._columns[key]
            except KeyError:
                raise KeyError(f"no column {key!r} (columns: {', '.join(self._columns)})") from None
        if isinstance(key, (int, np.integer)):
            i = int(key)
            if not -self._length <= i < self._length:
                raise IndexError(f"row {i} out of range ({self._length} rows)")
            return {k: v[i].item() if hasattr(v[i], "item") else v[i]
                    for k, v in self._columns.items()}
        if isinstance(key, slice) or isinstance(key, (list, tuple, np.ndarray)):
            index = key if isinstance(key, slice) else np.asarray(key)
            if isinstance(index, np.ndarray) and index.dtype == bool and len(index) != self._length:
                raise IndexError(f"mask of {len(index)} values for {self._length} rows")
            return Table({k: v[index] for k, v in self._columns.items()})
        raise TypeError(f"a Table is indexed by a column name, a row number, a slice, a mask or "
                        f"a list of rows, not {type(key).__name__}")

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
        return self[np.asarray(mask, dtype=bool)]

    def sort(self, column: str, descending: bool = False) -> "Table":
        """The rows ordered by `column` (stable)."""
        order = np.argsort(self[column], kind="stable")
        return self[order[::-1] if descending else order]

    def to_csv(self, path: str) -> None:
        with open(path, "w", newline="") as f:
            w = csv.writer(f)
            w.writerow(self.columns)
            for row in self.rows():
                w.writerow([repr(v) if isinstance(v, float) else v for v in row.values()])

    def to_pandas(self):
        """A pandas DataFrame with the same columns (Debian: python3-pandas)."""
        import pandas as pd

        return pd.DataFrame({k: v for k, v in self._columns.items()})

    def __repr__(self) -> str:
        head = self[:5]
        cells = [[_cell(v) for v in row.values()] for row in head.rows()]
        widths = [max([len(c)] + [len(r[i]) for r in cells]) for i, c in enumerate(self.columns)]
        lines = [f"<Table {self._length} rows x {len(self.columns)} columns"]
        lines.append("  " + "  ".join(c.rjust(w) for c, w in zip(self.columns, widths)))
        lines += ["  " + "  ".join(c.rjust(w) for c, w in zip(r, widths)) for r in cells]
        if self._length > 5:
            lines.append(f"  ... {self._length - 5} more rows")
        return "\n".join(lines) + ">"


def _cell(v: Any) -> str:
    if isinstance(v, float):
        return f"{v:.6g}"
    text = str(v)
    return text if len(text) <= 24 else text[:21] + "..."
