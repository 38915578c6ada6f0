"""Accounts that can be disabled, and a time before which every web session and
token of a user is void (set by a password change, a disable or a revoke).

Revision ID: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("disabled_at", sa.DateTime(timezone=True)))
        batch.add_column(sa.Column("sessions_after", sa.DateTime(timezone=True)))


def downgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.drop_column("sessions_after")
        batch.drop_column("disabled_at")
