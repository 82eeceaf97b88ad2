"""Finding 10: concurrent first answers on SQLite queue for the write lock instead of failing with a 500.

The suite's own database is in memory (where WAL does not apply) or PostgreSQL, so
these tests open SQLite file databases with the project's SQLite settings: the
settings take effect, and two connections writing at once both succeed. They
run on every suite run, whatever the suite's own database.
"""

import threading

import pytest
from django.conf import settings
from django.db import connections, transaction
from django.db.backends.sqlite3.base import DatabaseWrapper


@pytest.fixture
def own_files(django_db_blocker):
    """pytest-django blocks every connection but its test database's; these files are the test's own."""
    with django_db_blocker.unblock():
        yield


def file_database(path) -> DatabaseWrapper:
    alias = f"file-{path.name}-{threading.get_ident()}"
    database = {"ENGINE": "django.db.backends.sqlite3", "NAME": str(path), "OPTIONS": settings.SQLITE_OPTIONS}
    return DatabaseWrapper(connections.configure_settings({"default": database})["default"], alias=alias)


def test_a_file_database_uses_wal_a_busy_timeout_and_immediate_transactions(tmp_path, own_files):
    db = file_database(tmp_path / "quiz.sqlite3")
    try:
        with db.cursor() as cursor:
            assert cursor.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
            assert cursor.execute("PRAGMA busy_timeout").fetchone()[0] == 20_000
            assert cursor.execute("PRAGMA synchronous").fetchone()[0] == 1  # NORMAL, safe with WAL
        assert db.transaction_mode == "IMMEDIATE"
    finally:
        db.close()


def test_writers_at_the_same_moment_all_succeed(tmp_path, own_files):
    path = tmp_path / "quiz.sqlite3"
    setup = file_database(path)
    with setup.cursor() as cursor:
        cursor.execute("CREATE TABLE answer (attempt INTEGER, question INTEGER, UNIQUE (attempt, question))")
        cursor.execute("CREATE TABLE attempt (id INTEGER PRIMARY KEY, answered INTEGER)")
        cursor.execute("INSERT INTO attempt VALUES (1, 0)")
    setup.close()
    workers, errors, start = 8, [], threading.Barrier(8)

    def answer(question: int) -> None:
        # the shape of a first answer: in one atomic block, read the attempt, then write
        db = file_database(path)
        connections[db.alias] = db  # so that transaction.atomic() runs on it exactly as on the app's database
        try:
            start.wait()
            with transaction.atomic(using=db.alias), db.cursor() as cursor:
                cursor.execute("SELECT answered FROM attempt WHERE id = 1")
                cursor.execute("INSERT INTO answer VALUES (1, %s)", [question])
                cursor.execute("UPDATE attempt SET answered = answered + 1 WHERE id = 1")
        except Exception as error:  # collected and asserted on below
            errors.append(error)
        finally:
            db.close()
            del connections[db.alias]

    threads = [threading.Thread(target=answer, args=[n]) for n in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    check = file_database(path)
    with check.cursor() as cursor:
        assert cursor.execute("SELECT answered FROM attempt").fetchone()[0] == workers
        assert cursor.execute("SELECT COUNT(*) FROM answer").fetchone()[0] == workers
    check.close()
