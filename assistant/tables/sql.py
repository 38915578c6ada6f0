"""Text to SQL over one table, with an LLM, for the questions the table answerer's own
rules do not understand ("which releases came out between 2010 and 2012?").

The table is loaded into an in-memory SQLite database of its own (``t``, one column per
header, ``_row`` the row's number), so the model's SQL can read nothing else. The
statement must be one ``SELECT``; it runs under an authorizer that allows reading only,
with a bound on the work it may do and the rows it may return. The reply shows the SQL
and cites the rows it returned (by ``_row``)."""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass

from assistant import prompts
from assistant.context import fenced
from assistant.errors import SqlRefused
from assistant.tables.question import column_kind
from index.documents import Table

MAX_ROWS = 20
MAX_STEPS = 2_000_000  # SQLite virtual machine steps (progress handler calls every 1000)
SAMPLE_ROWS = 3
_ALLOWED = {sqlite3.SQLITE_SELECT, sqlite3.SQLITE_READ, sqlite3.SQLITE_FUNCTION}


@dataclass(frozen=True)
class SqlResult:
    sql: str
    columns: tuple[str, ...]
    rows: tuple[tuple, ...]
    cited: tuple[int, ...]  # row numbers (``_row``) the result holds


def column_names(header: tuple[str, ...]) -> list[str]:
    """SQL names for the header: lower-cased words joined by "_", unique, never empty."""
    names: list[str] = []
    for i, title in enumerate(header):
        name = re.sub(r"\W+", "_", title.strip().lower()).strip("_") or f"column_{i + 1}"
        while name in names or name == "_row":
            name += "_"
        names.append(name)
    return names


def database(table: Table) -> tuple[sqlite3.Connection, str]:
    """The table in memory, and its schema as the prompt shows it."""
    names = column_names(table.header)
    kinds = ["REAL" if column_kind(table, i) == "number" else "TEXT" for i in range(len(names))]
    schema = "CREATE TABLE t (_row INTEGER, " + ", ".join(f'"{n}" {k}' for n, k in zip(names, kinds)) + ")"
    db = sqlite3.connect(":memory:")
    db.execute(schema)
    for row in table.rows:
        cells = [row.cells[i] if i < len(row.cells) else "" for i in range(len(names))]
        values = [_number(v) if k == "REAL" else (v or None) for v, k in zip(cells, kinds)]
        db.execute(f"INSERT INTO t VALUES ({', '.join('?' * (len(names) + 1))})", [row.number, *values])
    return db, schema


def _number(value: str) -> float | None:
    try:
        return float(value.replace(",", ""))
    except ValueError:
        return None


def statement(reply: str) -> str:
    """The one SELECT in the model's reply (code fences and a trailing ";" allowed)."""
    text = re.sub(r"^```(?:sql)?|```$", "", reply.strip(), flags=re.IGNORECASE | re.MULTILINE).strip()
    text = text.split("\n\n")[0].strip().rstrip(";").strip()
    if not re.match(r"(?is)^(select|with)\b", text) or ";" in text:
        raise SqlRefused(f"not one SELECT statement: {text[:200]!r}")
    return text


def run(db: sqlite3.Connection, sql: str) -> SqlResult:
    def authorize(action, table, *_):
        if action == sqlite3.SQLITE_READ and table != "t":  # not even sqlite_master
            return sqlite3.SQLITE_DENY
        return sqlite3.SQLITE_OK if action in _ALLOWED else sqlite3.SQLITE_DENY

    steps = 0

    def progress():
        nonlocal steps
        steps += 1000
        return steps > MAX_STEPS

    db.set_authorizer(authorize)
    db.set_progress_handler(progress, 1000)
    try:
        cursor = db.execute(sql)
        rows = tuple(cursor.fetchmany(MAX_ROWS))
    except sqlite3.Error as exc:
        raise SqlRefused(f"the statement failed: {exc}") from exc
    finally:
        db.set_authorizer(None)
        db.set_progress_handler(None, 0)
    columns = tuple(d[0] for d in cursor.description or ())
    at = columns.index("_row") if "_row" in columns else None
    cited = tuple(int(r[at]) for r in rows if at is not None and isinstance(r[at], int))
    return SqlResult(sql, columns, rows, cited)


def ask(llm, table: Table, question: str) -> SqlResult:
    """The model's SQL for ``question`` over ``table``, run. Raises ``SqlRefused`` or ``LLMError``."""
    db, schema = database(table)
    try:
        sample = db.execute(f"SELECT * FROM t LIMIT {SAMPLE_ROWS}").fetchall()
        prompt = prompts.load("table_sql").format(
            schema=schema, rows=fenced("\n".join(repr(r) for r in sample), "table"),
            question=fenced(question, "question"))
        reply = "".join(llm.generate(prompt, max_tokens=160))
        return run(db, statement(reply))
    finally:
        db.close()
