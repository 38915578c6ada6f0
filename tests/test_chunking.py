from hypothesis import given, settings
from hypothesis import strategies as st

from index.chunking import Chunker, count_tokens, encoding, token_starts
from index.documents import Document, Page

TEXT = " ".join(f"Sentence number {i} talks about topic {i % 7} in some detail." for i in range(200))


def covered(text, chunks):
    seen = [False] * len(text)
    for chunk in chunks:
        for i in range(chunk.start, chunk.end):
            seen[i] = True
    return all(flag or text[i].isspace() for i, flag in enumerate(seen))


def test_chunks_are_exact_spans_within_the_token_budget_with_overlap():
    document = Document(source="a.txt", text=TEXT)
    chunks = Chunker(tokens=64, overlap=12).split(document)
    assert len(chunks) > 10
    for chunk in chunks:
        assert TEXT[chunk.start : chunk.end] == chunk.text
        assert count_tokens(chunk.text) <= 64
    assert all(b.start < a.end for a, b in zip(chunks, chunks[1:])), "consecutive chunks overlap"
    assert covered(TEXT, chunks)
    assert [c.index for c in chunks] == list(range(len(chunks)))


def test_chunks_end_on_sentence_boundaries_when_they_can():
    chunks = Chunker(tokens=64, overlap=12).split(Document(source="a.txt", text=TEXT))
    assert sum(c.text.endswith(".") for c in chunks[:-1]) >= len(chunks[:-1]) * 0.8


def test_chunks_the_encoder_would_truncate_are_split_again():
    fits = lambda text: len(text.split()) <= 20  # noqa: E731 - a tiny encoder limit
    chunks = Chunker(tokens=200, overlap=20).split(Document(source="a.txt", text=TEXT), fits=fits)
    assert all(fits(c.text) for c in chunks)
    assert covered(TEXT, chunks)


def test_pdf_chunks_keep_their_page_and_never_cross_pages():
    text = "First page text here.\n\nSecond page text here."
    pages = (Page(1, 0, 21), Page(2, 23, len(text)))
    chunks = Chunker(tokens=64, overlap=8).split(Document(source="r.pdf", text=text, pages=pages))
    assert [(c.page, c.text) for c in chunks] == [(1, "First page text here."), (2, "Second page text here.")]


@settings(max_examples=60, deadline=None)
@given(st.text(min_size=0, max_size=3000), st.integers(16, 80), st.integers(0, 7))
def test_any_unicode_text_maps_back_exactly_and_loses_nothing(text, size, overlap):
    chunks = Chunker(tokens=size, overlap=overlap).split(Document(source="x", text=text))
    for chunk in chunks:
        assert text[chunk.start : chunk.end] == chunk.text
        assert chunk.text.strip() == chunk.text and chunk.text
    assert covered(text, chunks)


@settings(max_examples=80, deadline=None)
@given(st.text(min_size=0, max_size=400))
def test_token_offsets_agree_with_tiktoken_on_any_text(text):
    tokens = encoding().encode(text, disallowed_special=())
    assert token_starts(tokens) == encoding().decode_with_offsets(tokens)[1]


@settings(max_examples=40, deadline=None)
@given(st.lists(st.sampled_from(["ride", "prices", "zone", "annual", "costs", "2.50", "dollars.", "A", "single",
                                 "Riverton's", "e-bike", "\n\n", "docks,"]), min_size=50, max_size=600),
       st.integers(16, 64))
def test_prose_chunks_start_and_end_on_whole_words(words, size):
    text = " ".join(words)
    for chunk in Chunker(tokens=size, overlap=size // 4).split(Document(source="x", text=text)):
        assert chunk.start == 0 or not text[chunk.start - 1].isalnum() or not text[chunk.start].isalnum(), chunk.text
        assert chunk.end == len(text) or not text[chunk.end].isalnum() or not text[chunk.end - 1].isalnum(), chunk.text


def test_chunks_know_the_sections_they_overlap():
    from index.documents import Section

    text = "Intro\n\nFirst part text.\n\nPrices\n\nA single ride costs 2.50 dollars."
    sections = (Section(0, "Intro"), Section(text.index("Prices"), "Prices"))
    document = Document(source="x.html", text=text, sections=sections)
    [chunk] = Chunker(tokens=64, overlap=8).split(document)
    assert chunk.section == "Intro"
    assert chunk.sections == ((0, "Intro"), (text.index("Prices"), "Prices"))
    assert document.section_at(text.index("A single")) == "Prices"


def test_the_catalog_keeps_term_counts_equal_to_fts5s_own(tmp_path):
    """The keyword index's document frequencies, kept by every write (and filled in once for
    a catalog written before they were kept), equal what FTS5's vocabulary counts — accents,
    apostrophes and underscores tokenised FTS5's way."""
    import sqlite3

    from index.catalog import Catalog

    catalog, chunker = Catalog(tmp_path / "c.sqlite3"), Chunker(tokens=24, overlap=4)
    texts = ["The café's o'clock ferry_time runs at naïve Zürich hours. " * 3,
             "Crème brûlée is served at the Harbour Café. " * 4, "Plain words about boats and ferries. " * 5]
    for i, text in enumerate(texts):
        document = Document(source=f"d{i}.txt", text=text, title=f"Notes {i} ÉTÉ")
        catalog.replace_documents([document], chunker.split(document), f"/docs/d{i}.txt")
    edited = Document(source="d1.txt", text="New text about trains and the café.", title="Notes 1")
    catalog.replace_documents([edited], chunker.split(edited), "/docs/d1.txt")
    catalog.remove_documents(["d2.txt"])
    db = sqlite3.connect(tmp_path / "c.sqlite3")
    vocabulary = dict(db.execute("SELECT term, doc FROM chunks_vocab"))
    assert dict(db.execute("SELECT term, chunks FROM term_counts")) == vocabulary and "boat" not in vocabulary
    assert catalog.term_frequencies(["cafe", "train", "boat"]) == {"cafe": vocabulary["cafe"], "train": 1}
    db.execute("DELETE FROM term_counts")
    db.commit()
    Catalog(tmp_path / "c.sqlite3")
    assert dict(db.execute("SELECT term, chunks FROM term_counts")) == vocabulary
