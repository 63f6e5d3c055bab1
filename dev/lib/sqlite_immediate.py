"""SQLite transactions of OpenStack services that take the write lock when they begin.

Imported before a service starts (nova_run.py). oslo.db opens every SQLite transaction with a plain
(deferred) BEGIN. In WAL mode a deferred transaction that has read and then writes fails at once
with "database is locked" when another process wrote in between (SQLITE_BUSY_SNAPSHOT): the busy
timeout does not apply, since waiting cannot help a snapshot that is already stale. Nova's four
processes share their databases, and under load a server build met that error and ended in
ERROR. BEGIN IMMEDIATE takes the write lock first, so a transaction waits for another's commit
(within the connection's busy timeout, ?timeout=30) and then reads what it wrote.

The listener is on the Engine class, so it runs before oslo.db's own "begin" listener of each
engine, and it marks the transaction as begun the way oslo.db does, which then emits nothing.
Only connections whose driver leaves transactions to SQLAlchemy (oslo.db's: isolation_level
None) are touched.
"""

import sqlalchemy
from sqlalchemy.engine import Engine


@sqlalchemy.event.listens_for(Engine, "begin")
def _begin_immediate(conn):
    if conn.dialect.name != "sqlite" or "in_transaction" in conn.info:
        return
    fairy = conn.connection
    driver = getattr(fairy, "dbapi_connection", None) or fairy.connection
    if driver.isolation_level is not None:
        return
    conn.execute(sqlalchemy.text("BEGIN IMMEDIATE"))
    conn.info["in_transaction"] = True


def _check(path):
    """Shows, on a scratch database, that a transaction holds the write lock from its BEGIN on."""
    import sqlite3
    from oslo_db.sqlalchemy import engines

    engine = engines.create_engine("sqlite:///" + path + "?timeout=1")
    with engine.connect() as conn:
        conn.execute(sqlalchemy.text("PRAGMA journal_mode=WAL"))
        conn.execute(sqlalchemy.text("CREATE TABLE IF NOT EXISTS t (x INTEGER)"))
    other = sqlite3.connect(path, timeout=0.1, isolation_level=None)
    with engine.connect() as conn:
        transaction = conn.begin()
        conn.execute(sqlalchemy.text("SELECT count(*) FROM t")).fetchall()
        try:
            other.execute("INSERT INTO t VALUES (1)")
            return "another connection wrote in the middle of a transaction: BEGIN IMMEDIATE is not in effect"
        except sqlite3.OperationalError:
            pass  # it waited for the lock, as it should
        conn.execute(sqlalchemy.text("INSERT INTO t VALUES (2)"))
        transaction.commit()
    return None


if __name__ == "__main__":
    import os
    import sys
    import tempfile
    import warnings

    warnings.simplefilter("ignore")
    with tempfile.TemporaryDirectory() as scratch:
        problem = _check(os.path.join(scratch, "check.sqlite"))
    if problem:
        sys.exit("sqlite_immediate: " + problem)
    print("sqlite_immediate: transactions take the write lock at BEGIN")
