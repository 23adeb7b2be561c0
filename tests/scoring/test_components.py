"""The numpy connected components of bilateral combination agree with scipy's (the scorer
no longer imports scipy; the test still may)."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components as scipy_components

from twitchscope.scoring.combine import component_labels


def _same_partition(a: np.ndarray, b: np.ndarray) -> bool:
    # equal partitions: the pairs (a, b) form a bijection between labels
    pairs = set(zip(a.tolist(), b.tolist(), strict=True))
    return len(pairs) == len(set(a.tolist())) == len(set(b.tolist()))


@given(
    n=st.integers(1, 60),
    edges=st.lists(st.tuples(st.integers(0, 59), st.integers(0, 59)), max_size=120),
)
def test_components_match_scipy(n: int, edges: list[tuple[int, int]]) -> None:
    e = np.array([(u % n, v % n) for u, v in edges], dtype=np.int64).reshape(-1, 2)
    label = component_labels(n, e[:, 0], e[:, 1])
    graph = coo_matrix((np.ones(len(e)), (e[:, 0], e[:, 1])), shape=(n, n))
    k, expected = scipy_components(graph, directed=False)
    assert label.shape == (n,) and len(set(label.tolist())) == k
    assert (label <= np.arange(n)).all() and (label[label] == label).all()  # smallest index
    assert _same_partition(label, expected)


def test_long_chain_and_no_edges() -> None:
    n = 1000
    src = np.arange(n - 1, dtype=np.int64)[::-1]  # a chain joined from its far end
    assert (component_labels(n, src, src + 1) == 0).all()
    empty = np.zeros(0, dtype=np.int64)
    assert component_labels(5, empty, empty).tolist() == [0, 1, 2, 3, 4]
