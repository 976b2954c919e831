import psycopg
import pytest

pytestmark = pytest.mark.db


def test_fresh_database_is_empty_and_writable(pg, db):
    assert pg.version_num >= 140000
    with psycopg.connect(db, autocommit=True) as conn:
        conn.execute("CREATE TABLE t (a int)")
        n = conn.execute("SELECT count(*) FROM pg_class WHERE relname = 't'").fetchone()[0]
    assert n == 1
