"""Verify the Trove schema after `trove-manage db_sync` and switch sqlite to WAL.

Why: db_sync runs every alembic migration and then a post-sync "set nova tags"
task that fails against the fake nova ("'FakeClient' object has no attribute
'api_version'", exit 1). The schema is complete by then, so xtask ignores
db_sync's exit code and checks the alembic head here instead.

WAL: without it a read transaction left open by one request makes the next
write fail with "database is locked" (HTTP 500 on create).

Usage: python check_schema.py DB_PATH EXPECTED_ALEMBIC_HEAD
"""
import sqlite3
import sys

db, expected = sys.argv[1], sys.argv[2]
c = sqlite3.connect(db)
row = c.execute("select version_num from alembic_version").fetchone()
version = row[0] if row else None
if version != expected:
    sys.exit("trove schema at alembic %r, expected %r" % (version, expected))
mode = c.execute("PRAGMA journal_mode=WAL").fetchone()[0]
print("schema at", version, "journal_mode", mode)
