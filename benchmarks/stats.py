"""What every part of ``python -m benchmarks`` reports, and how.

A figure is never one measurement: each part measures its figures in several
rounds and keeps the median with the min and max, because the machine is
shared (other test runs, the Cassandra node itself on the same two cores) and
one round can be twice as slow as the next. A product figure stands beside
its baseline measured in the same round, and their ratio is taken per round
(the two sides of one round met the same drift), then summarised like any
other figure.
"""

from __future__ import annotations

import json
import statistics
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal, TextIO


@dataclass(frozen=True)
class Spread:
    """The median of several rounds, with the lowest and highest round."""

    median: float
    low: float
    high: float
    rounds: int

    @classmethod
    def of(cls, values: Iterable[float]) -> Spread:
        kept = [float(v) for v in values]
        if not kept:
            raise ValueError("a figure needs at least one round")
        return cls(statistics.median(kept), min(kept), max(kept), len(kept))

    def text(self, digits: int) -> str:
        if self.rounds == 1 or self.low == self.high:
            return number(self.median, digits)
        low, high = number(self.low, digits), number(self.high, digits)
        return f"{number(self.median, digits)} ({low}..{high})"


def number(value: float, digits: int) -> str:
    return f"{value:,.{digits}f}"


def percentile(samples: Sequence[float], fraction: float) -> float:
    """Nearest-rank percentile (p99 of 1000 samples is the 990th smallest)."""
    if not samples:
        return float("nan")
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


Goal = Literal[">=", "<="]


@dataclass(frozen=True)
class Target:
    """The ratio a figure must reach: ``>= 0.8`` of its baseline, or ``<= 3`` times it.

    ``unit``: the target bounds the figure's own value in that unit instead (a budget
    such as 4 ms of worker CPU per request, which has no baseline to be a ratio of).
    """

    goal: Goal
    ratio: float
    unit: str = ""

    def met(self, ratio: float) -> bool:
        return ratio >= self.ratio if self.goal == ">=" else ratio <= self.ratio

    def text(self) -> str:
        return f"{self.goal} {self.ratio:g}{' ' + self.unit if self.unit else ''}"


@dataclass
class Figure:
    """One line of the table: a product figure, its baseline and their ratio."""

    part: str
    name: str
    unit: str
    value: Spread
    digits: int = 0
    baseline_name: str = ""
    baseline: Spread | None = None
    ratio: Spread | None = None
    target: Target | None = None
    note: str = ""
    key: str = ""  # for figures derived from others (``find``)

    @property
    def met(self) -> bool | None:
        if self.target is not None and self.target.unit:
            return self.target.met(self.value.median)
        if self.target is None or self.ratio is None:
            return None
        return self.target.met(self.ratio.median)


def figure(
    part: str,
    name: str,
    unit: str,
    values: Sequence[float],
    *,
    digits: int = 0,
    baseline_name: str = "",
    baseline: Sequence[float] | None = None,
    target: Target | None = None,
    note: str = "",
    key: str = "",
) -> Figure:
    """A figure from per-round values; with a baseline, the ratio is taken round by round."""
    ratio = None
    if baseline is not None:
        ratio = Spread.of(v / b for v, b in zip(values, baseline, strict=True) if b)
    return Figure(
        part=part,
        name=name,
        unit=unit,
        value=Spread.of(values),
        digits=digits,
        baseline_name=baseline_name,
        baseline=Spread.of(baseline) if baseline is not None else None,
        ratio=ratio,
        target=target,
        note=note,
        key=key,
    )


def find(figures: Sequence[Figure], key: str) -> Figure | None:
    return next((f for f in figures if f.key == key), None)


@dataclass
class Rounds:
    """Named values collected round by round (``rounds.add(rps=..., p50=...)``)."""

    values: dict[str, list[float]] = field(default_factory=dict)

    def add(self, **named: float) -> None:
        for name, value in named.items():
            self.values.setdefault(name, []).append(value)

    def __getitem__(self, name: str) -> list[float]:
        return self.values[name]


class Deadline:
    """A time budget: every loop of the benchmarks is bounded in count and in time."""

    def __init__(self, seconds: float) -> None:
        self.ends = time.monotonic() + seconds

    def expired(self) -> bool:
        return time.monotonic() >= self.ends


def timed(call: Callable[[], Any]) -> float:
    """Seconds one call took."""
    started = time.perf_counter()
    call()
    return time.perf_counter() - started


# ------------------------------------------------------------------ output
COLUMNS = ("part", "figure", "value", "unit", "baseline", "baseline value", "ratio", "target")


def table_rows(figures: Sequence[Figure]) -> list[tuple[str, ...]]:
    rows = []
    for f in figures:
        verdict = "" if f.met is None else (" ok" if f.met else " MISSED")
        rows.append(
            (
                f.part,
                f.name,
                f.value.text(f.digits),
                f.unit,
                f.baseline_name,
                f.baseline.text(f.digits) if f.baseline else "",
                f.ratio.text(2) if f.ratio else "",
                (f.target.text() + verdict) if f.target else "",
            )
        )
    return rows


def print_table(figures: Sequence[Figure], out: TextIO) -> None:
    """One table for the whole run; notes follow it, numbered."""
    rows = [COLUMNS, *table_rows(figures)]
    widths = [max(len(row[i]) for row in rows) for i in range(len(COLUMNS))]
    numeric = {2, 5, 6}
    for index, row in enumerate(rows):
        cells = [
            cell.rjust(widths[i]) if i in numeric else cell.ljust(widths[i])
            for i, cell in enumerate(row)
        ]
        print("  ".join(cells).rstrip(), file=out)
        if index == 0:
            print("  ".join("-" * w for w in widths), file=out)
    print("values: median of the rounds (min..max); ratio = value / baseline, per round", file=out)
    notes = [(f.part, f.name, f.note) for f in figures if f.note]
    for part, name, note in notes:
        print(f"  {part} / {name}: {note}", file=out)


def write_json(path: Path, figures: Sequence[Figure], meta: dict[str, Any]) -> None:
    body = {
        "meta": meta,
        "figures": [{**asdict(f), "met": f.met} for f in figures],
    }
    path.write_text(json.dumps(body, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
