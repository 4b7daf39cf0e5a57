"""Rounding, classification and "đồng hạng" ranking, as the ministry published them."""
from __future__ import annotations

from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal


def round_score(value: float | None, decimals: int = 3) -> float | None:
    """Round half up on the decimal text of the value (0.8505 -> 0.851), as a
    person rounding a published table would; float round() rounds half to even."""
    if value is None:
        return None
    quantum = Decimal(1).scaleb(-int(decimals))
    return float(Decimal(repr(float(value))).quantize(quantum, rounding=ROUND_HALF_UP))


def classify(score: float | None, cutoffs: Iterable[dict]) -> str | None:
    """The class whose lower bound the (rounded) score reaches, highest first."""
    if score is None:
        return None
    for cut in sorted(cutoffs, key=lambda c: float(c["min"]), reverse=True):
        if score >= float(cut["min"]) - 1e-12:
            return cut["class"]
    return None


def competition_ranks(values: list[float | None]) -> list[int | None]:
    """Standard competition ranking, highest first: ties share a rank and the next
    rank is skipped (1, 1, 3). Compare the rounded values. None stays unranked."""
    order = sorted((v for v in values if v is not None), reverse=True)
    first_position: dict[float, int] = {}
    for position, value in enumerate(order, start=1):
        first_position.setdefault(value, position)
    return [None if v is None else first_position[v] for v in values]


def tied(rank: int | None, ranks: Iterable[int | None]) -> bool:
    """True when another target of the group shares this rank ("đồng hạng")."""
    return rank is not None and sum(1 for r in ranks if r == rank) > 1
