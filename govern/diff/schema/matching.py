"""Minimum-cost bipartite assignment (Hungarian algorithm) for pairing subschemas."""

from __future__ import annotations

from typing import Sequence


def assign(cost: Sequence[Sequence[float]]) -> list[int | None]:
    """For each row, the column it is assigned to (None when there are more rows than columns).

    Minimises the total cost of a matching of size min(rows, columns). Ties are broken towards
    lower indices, so the result is deterministic. O(n^2 m) for n <= m.
    """
    rows = len(cost)
    if rows == 0:
        return []
    cols = len(cost[0])
    if cols == 0:
        return [None] * rows
    if rows > cols:
        transposed = [[cost[r][c] for r in range(rows)] for c in range(cols)]
        by_col = assign(transposed)
        out: list[int | None] = [None] * rows
        for c, r in enumerate(by_col):
            if r is not None:
                out[r] = c
        return out
    inf = float("inf")
    n, m = rows, cols
    u = [0.0] * (n + 1)
    v = [0.0] * (m + 1)
    p = [0] * (m + 1)  # p[j]: row (1-based) matched to column j
    way = [0] * (m + 1)
    for i in range(1, n + 1):
        p[0] = i
        j0 = 0
        minv = [inf] * (m + 1)
        used = [False] * (m + 1)
        while True:
            used[j0] = True
            i0 = p[j0]
            delta = inf
            j1 = 0
            for j in range(1, m + 1):
                if not used[j]:
                    cur = cost[i0 - 1][j - 1] - u[i0] - v[j]
                    if cur < minv[j]:
                        minv[j] = cur
                        way[j] = j0
                    if minv[j] < delta:
                        delta = minv[j]
                        j1 = j
            for j in range(m + 1):
                if used[j]:
                    u[p[j]] += delta
                    v[j] -= delta
                else:
                    minv[j] -= delta
            j0 = j1
            if p[j0] == 0:
                break
        while True:
            j1 = way[j0]
            p[j0] = p[j1]
            j0 = j1
            if j0 == 0:
                break
    result: list[int | None] = [None] * n
    for j in range(1, m + 1):
        if p[j]:
            result[p[j] - 1] = j - 1
    return result
