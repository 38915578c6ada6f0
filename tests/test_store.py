"""Dense search through Chroma finds the chunks that are really nearest, not only the
ones its approximate graph happens to reach."""

import numpy as np

from index.store import ChromaStore, VectorCollection


def test_dense_search_finds_nearly_all_of_the_exact_nearest_chunks(tmp_path):
    # Random directions are the hardest case for an HNSW graph: Chroma's own breadth
    # (n_results = 30, ef_search 100) finds about 84% of the exact 30 nearest here.
    rng = np.random.default_rng(0)
    vectors = rng.standard_normal((3000, 384)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    queries = rng.standard_normal((40, 384)).astype(np.float32)
    queries /= np.linalg.norm(queries, axis=1, keepdims=True)
    raw = ChromaStore(tmp_path / "chroma").client.create_collection(
        "recall", configuration={"hnsw": {"space": "cosine"}}, embedding_function=None)
    for lo in range(0, len(vectors), 1000):
        raw.add(ids=[f"c{i}" for i in range(lo, lo + 1000)], embeddings=vectors[lo : lo + 1000])

    found = VectorCollection(raw).query_many(list(queries), 30)

    exact = [{f"c{i}" for i in np.argsort(-(vectors @ q))[:30]} for q in queries]
    recall = np.mean([len(want & {hit.id for hit in hits}) / 30 for want, hits in zip(exact, found)])
    assert recall >= 0.95
    assert all(len(hits) == 30 for hits in found)
    assert all(hits[0].score >= hits[-1].score for hits in found)
