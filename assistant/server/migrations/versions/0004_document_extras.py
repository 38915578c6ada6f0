"""What shared collections' documents hold beyond their text — tables, and scan notes
(pages read by OCR, uncertain words) — beside the shared catalog (``index/extras.py``).

Revision ID: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "document_tables",
        sa.Column("collection", sa.String(512), primary_key=True),
        sa.Column("source", sa.Text, primary_key=True),
        sa.Column("idx", sa.Integer, primary_key=True),
        sa.Column("doc_hash", sa.String(64), nullable=False),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("header", sa.Text, nullable=False),
        sa.Column("rows", sa.Text, nullable=False),
    )
    op.create_table(
        "document_scans",
        sa.Column("collection", sa.String(512), primary_key=True),
        sa.Column("source", sa.Text, primary_key=True),
        sa.Column("doc_hash", sa.String(64), nullable=False),
        sa.Column("pages", sa.Text, nullable=False),
        sa.Column("uncertain", sa.Text, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("document_scans")
    op.drop_table("document_tables")
