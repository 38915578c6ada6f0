"""What BM25 needs per query, kept up to date by every write instead of counted over
the postings and chunks each time: each term's document frequency and each
collection's chunk count and summed field lengths (``index/sql_catalog.py``).

Revision ID: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "catalog_terms",
        sa.Column("collection", sa.String(512), primary_key=True),
        sa.Column("term", sa.Text, primary_key=True),
        sa.Column("chunks", sa.Integer, nullable=False),
    )
    op.create_table(
        "catalog_totals",
        sa.Column("collection", sa.String(512), primary_key=True),
        sa.Column("chunks", sa.BigInteger, nullable=False),
        sa.Column("title_length", sa.BigInteger, nullable=False),
        sa.Column("text_length", sa.BigInteger, nullable=False),
    )
    op.execute("INSERT INTO catalog_terms (collection, term, chunks) "
               "SELECT collection, term, count(DISTINCT chunk) FROM catalog_postings GROUP BY collection, term")
    op.execute("INSERT INTO catalog_totals (collection, chunks, title_length, text_length) "
               "SELECT collection, count(*), coalesce(sum(title_length), 0), coalesce(sum(text_length), 0) "
               "FROM catalog_chunks GROUP BY collection")


def downgrade() -> None:
    op.drop_table("catalog_totals")
    op.drop_table("catalog_terms")
