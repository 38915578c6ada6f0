"""Index a folder with a slow deterministic embedder: a child process for the
crash tests to kill at random points.

    python tests/helpers/index_worker.py STORE FOLDER
"""

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from conftest import FakeEmbedder  # noqa: E402

from index import ChromaStore, Collection, IndexConfig, embedders  # noqa: E402
from index import sync  # noqa: E402


class SlowFake(FakeEmbedder):
    def embed(self, texts):
        time.sleep(0.05 * len(texts) ** 0.5)
        return super().embed(texts)


def open_collection(store: Path) -> Collection:
    embedders.register("fake", SlowFake)
    return Collection("crash", ChromaStore(store / "chroma"), store / "catalogs", IndexConfig(embedder="fake"))


if __name__ == "__main__":
    sync.FLUSH_CHUNKS = 8  # many small commits: many places to be killed in
    report = open_collection(Path(sys.argv[1])).sync([Path(sys.argv[2])])
    print(report.total)
