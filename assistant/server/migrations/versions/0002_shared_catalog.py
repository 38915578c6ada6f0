"""The shared catalog: files, documents, chunks and the BM25 postings of every
collection, for servers that share one database (``index/sql_catalog.py``).

Revision ID: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "catalog_meta",
        sa.Column("collection", sa.String(512), primary_key=True),
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
    )
    op.create_table(
        "catalog_files",
        sa.Column("collection", sa.String(512), primary_key=True),
        sa.Column("path", sa.Text, primary_key=True),
        sa.Column("root", sa.Text, nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
    )
    op.create_table(
        "catalog_documents",
        sa.Column("collection", sa.String(512), primary_key=True),
        sa.Column("source", sa.Text, primary_key=True),
        sa.Column("file", sa.Text, nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.Column("title", sa.Text, nullable=False),
    )
    op.create_index("catalog_documents_file", "catalog_documents", ["collection", "file"])
    op.create_table(
        "catalog_chunks",
        sa.Column("rowid", sa.Integer, primary_key=True),
        sa.Column("collection", sa.String(512), nullable=False),
        sa.Column("id", sa.String(40), nullable=False),
        sa.Column("source", sa.Text, nullable=False),
        sa.Column("idx", sa.Integer, nullable=False),
        sa.Column("start", sa.Integer, nullable=False),
        sa.Column("end", sa.Integer, nullable=False),
        sa.Column("page", sa.Integer),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("sections", sa.Text),
        sa.Column("title_length", sa.Integer, nullable=False),
        sa.Column("text_length", sa.Integer, nullable=False),
        sa.UniqueConstraint("collection", "id", name="catalog_chunks_id"),
    )
    op.create_index("catalog_chunks_source", "catalog_chunks", ["collection", "source"])
    op.create_table(
        "catalog_postings",
        sa.Column("chunk", sa.Integer, sa.ForeignKey("catalog_chunks.rowid", ondelete="CASCADE"), nullable=False),
        sa.Column("collection", sa.String(512), nullable=False),
        sa.Column("term", sa.Text, nullable=False),
        sa.Column("field", sa.Integer, nullable=False),
        sa.Column("tf", sa.Integer, nullable=False),
    )
    op.create_index("catalog_postings_term", "catalog_postings", ["collection", "term"])
    op.create_index("catalog_postings_chunk", "catalog_postings", ["chunk"])


def downgrade() -> None:
    for table in ("catalog_postings", "catalog_chunks", "catalog_documents", "catalog_files", "catalog_meta"):
        op.drop_table(table)
