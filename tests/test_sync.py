"""Incremental sync against a real embedded Chroma (with a fake embedder for speed)."""

import pytest

from index.errors import IndexingError, IndexMismatchError


def test_second_run_embeds_nothing(fake_collection, docs_dir):
    collection = fake_collection()
    first = collection.sync([docs_dir])
    assert first.added == 6 and not first.failed and first.embedded == first.total > 0
    second = collection.sync([docs_dir])
    assert (second.added, second.updated, second.unchanged, second.embedded, second.deleted) == (0, 0, 6, 0, 0)
    assert second.total == first.total == collection.vectors.count()


def test_editing_one_file_re_embeds_only_that_file(fake_collection, docs_dir):
    collection = fake_collection()
    collection.sync([docs_dir])
    (docs_dir / "notes.txt").write_text("The lighthouse is now automated.\n")
    report = collection.sync([docs_dir])
    assert (report.updated, report.unchanged, report.embedded, report.deleted) == (1, 5, 1, 1)
    texts = [r.text for r in collection.chunks(list(collection.vectors.ids())).values()]
    assert "The lighthouse is now automated." in texts
    assert not any("whale oil" in t for t in texts)


def test_editing_one_line_of_a_beir_corpus_re_embeds_one_document(fake_collection, docs_dir):
    collection = fake_collection()
    collection.sync([docs_dir])
    corpus = docs_dir / "beir" / "corpus.jsonl"
    corpus.write_text(corpus.read_text().replace("Bees make honey.", "Bees make wax."))
    report = collection.sync([docs_dir])
    assert (report.updated, report.embedded, report.deleted) == (1, 1, 1)


def test_deleting_a_file_removes_its_chunks(fake_collection, docs_dir):
    collection = fake_collection()
    collection.sync([docs_dir])
    (docs_dir / "museum.docx").unlink()
    report = collection.sync([docs_dir])
    assert report.removed == 1 and report.deleted >= 1
    assert "museum.docx" not in [source for source, _ in collection.documents()]
    assert collection.vectors.count() == report.total == collection.count()


def test_bad_files_are_reported_and_the_good_ones_indexed(fake_collection, docs_dir):
    (docs_dir / "binary.txt").write_bytes(b"\x00\xff\x00\x13")
    (docs_dir / "latin1.txt").write_bytes("naïve".encode("latin-1"))
    (docs_dir / "broken.pdf").write_bytes(b"%PDF-1.4 garbage")
    (docs_dir / "song.mp3").write_bytes(b"ID3")
    report = fake_collection().sync([docs_dir, docs_dir / "missing.txt"])
    failed = {f.path.rsplit("/", 1)[-1]: f.error for f in report.failed}
    assert set(failed) == {"binary.txt", "latin1.txt", "broken.pdf", "missing.txt"}
    assert "no such file" in failed["missing.txt"] and "UTF-8" in failed["latin1.txt"]
    assert report.skipped == {".mp3": 1}  # a type the assistant does not read is skipped, not failed
    assert report.added == 6


def test_an_unsupported_file_named_explicitly_fails_with_the_supported_types(fake_collection, tmp_path):
    song = tmp_path / "song.mp3"
    song.write_bytes(b"ID3")
    report = fake_collection().sync([song])
    assert [f.error for f in report.failed] == [f"unsupported file type '.mp3'; supported: {_supported()}"]
    assert report.skipped == {}


def _supported() -> str:
    from index.loaders import LOADERS

    return ", ".join(sorted(LOADERS))


def test_links_to_folders_are_followed_once(fake_collection, docs_dir, tmp_path):
    folder = tmp_path / "linked"
    folder.mkdir()
    (folder / "manual").symlink_to(docs_dir, target_is_directory=True)
    (docs_dir / "loop").symlink_to(folder, target_is_directory=True)
    collection = fake_collection()
    report = collection.sync([folder])
    assert report.added == 6 and not report.failed
    assert "manual/notes.txt" in [source for source, _ in collection.documents()]


def test_a_file_that_turns_bad_keeps_its_indexed_version(fake_collection, docs_dir):
    collection = fake_collection()
    collection.sync([docs_dir])
    before = collection.count()
    (docs_dir / "notes.txt").write_bytes(b"\x00\x00binary now")
    report = collection.sync([docs_dir])
    assert [f.path.rsplit("/", 1)[-1] for f in report.failed] == ["notes.txt"]
    assert collection.count() == before
    assert "notes.txt" in [s for s, _ in collection.documents()]


def test_an_empty_folder_is_reported(fake_collection, tmp_path):
    (tmp_path / "empty").mkdir()
    report = fake_collection().sync([tmp_path / "empty"])
    assert not report.indexed_anything and "no files" in report.failed[0].error


def test_other_chunk_settings_are_refused_with_a_clear_message(fake_collection, docs_dir):
    fake_collection().sync([docs_dir])
    with pytest.raises(IndexMismatchError, match=r"chunk_tokens: index has 200, requested 100.*--collection"):
        fake_collection(chunk_tokens=100).sync([docs_dir])


def test_a_run_killed_half_way_is_reconciled(fake_collection, docs_dir):
    """Chunks written to Chroma but never committed to the catalog are removed on the next run."""
    collection = fake_collection()
    collection.sync([docs_dir])
    ids = list(collection.vectors.ids())
    records = collection.chunks(ids[:1])
    orphan = next(iter(records.values()))
    import numpy as np

    from index.documents import Chunk

    ghost = Chunk(source="ghost.txt", index=0, start=0, end=5, text="ghost", page=None, doc_hash="x")
    collection.vectors.upsert([ghost], np.ones((1, 64), dtype=np.float32) / 8, [""])
    collection.catalog.set_dirty(True)
    collection.sync([docs_dir])
    assert ghost.id not in set(collection.vectors.ids())
    assert set(collection.vectors.ids()) == collection.catalog.all_chunk_ids()
    assert orphan.id in collection.catalog.all_chunk_ids()


def test_invalid_collection_names_are_refused(fake_collection):
    with pytest.raises(IndexingError, match="invalid collection name '../x'"):
        fake_collection(name="../x")


def test_many_vectors_searched_in_one_request_find_what_each_finds_alone(fake_collection, docs_dir):
    collection = fake_collection()
    collection.sync([docs_dir])
    vectors = [collection.embed_query(text) for text in ("pumps and valves", "the history of rowing")]
    together = collection.dense_search_many(vectors, 3)
    assert [[h.id for h in hits] for hits in together] == [[h.id for h in collection.dense_search(v, 3)] for v in vectors]
    assert together[0] and collection.dense_search_many([], 3) == []
