"""cycle counts: count tasks (no order, a reason), count lines (no order line, may exceed expected)

Revision ID: 0003_count
Revises: 0002
Create Date: 2026-11-25

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '0003_count'
down_revision: Union[str, Sequence[str], None] = '0002'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table('tasks', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reason', sa.String(length=200), nullable=True))
        batch_op.alter_column('order_id', existing_type=sa.Integer(), nullable=True)
        batch_op.drop_constraint(op.f('ck_tasks_kind'), type_='check')
        batch_op.create_check_constraint(op.f('ck_tasks_kind'), "kind IN ('pick', 'pack', 'count')")
    with op.batch_alter_table('task_lines', schema=None) as batch_op:
        batch_op.alter_column('order_line_id', existing_type=sa.Integer(), nullable=True)
        batch_op.drop_constraint(op.f('ck_task_lines_done'), type_='check')
        batch_op.create_check_constraint(op.f('ck_task_lines_done'), "done_qty >= 0 AND (order_line_id IS NULL OR done_qty <= quantity)")


def downgrade() -> None:
    """Downgrade schema (count tasks and their lines go first: they fit no older row)."""
    op.execute("DELETE FROM task_lines WHERE task_id IN (SELECT id FROM tasks WHERE kind = 'count')")
    op.execute("UPDATE scan_events SET task_id = NULL WHERE task_id IN (SELECT id FROM tasks WHERE kind = 'count')")
    op.execute("DELETE FROM tasks WHERE kind = 'count'")
    with op.batch_alter_table('task_lines', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_task_lines_done'), type_='check')
        batch_op.create_check_constraint(op.f('ck_task_lines_done'), 'done_qty >= 0 AND done_qty <= quantity')
        batch_op.alter_column('order_line_id', existing_type=sa.Integer(), nullable=False)
    with op.batch_alter_table('tasks', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_tasks_kind'), type_='check')
        batch_op.create_check_constraint(op.f('ck_tasks_kind'), "kind IN ('pick', 'pack')")
        batch_op.alter_column('order_id', existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column('reason')
