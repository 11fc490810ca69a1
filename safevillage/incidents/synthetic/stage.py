"""Drawing in a second thread while SQLite writes.

Writing a chunk into SQLite is mostly the library's own work, done without Python's global
lock: the B-tree inserts, the unique index, the checks and the commit. Drawing is pure
Python. So a thread draws the next chunks while the database writes the present one, each on
its own core. The thread hands a chunk over as a table in a scratch SQLite file attached to
the register's connection, which the writer copies with one INSERT ... SELECT (the lock is
released for the whole statement), not as Python rows: binding rows takes the lock for every
row, and the two threads would take turns instead of working side by side. Two files take
turns: the thread fills one while the writer reads the other. The scratch files are
temporary, unjournalled and removed at the end: they hold nothing that is not drawn again
from the seed.
"""

from __future__ import annotations

import contextlib
import dataclasses
import queue
import sqlite3
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from types import TracebackType

from django.db import connection

from safevillage.incidents.synthetic.write import Chunk

SLOTS = 2
# The longest the writer waits for the lock after a statement while the thread draws (5 ms
# by default, once for each of the few dozen statements of a chunk).
SWITCH_INTERVAL = 0.0005


class Staging:
    """``with Staging(chunks, columns) as handed:`` iterates over ``chunks`` drawn in a
    thread, each handed over in an attached scratch database named by ``Chunk.stage``, in a
    table ``chunk`` of ``district``, ``year`` and ``columns`` (the record's number within the
    chunk in ``reference``). A chunk's file is filled again only once the writer has asked
    for the next chunk, that is, once it has written this one."""

    def __init__(self, chunks: Iterator[Chunk], columns: list[str]) -> None:
        self.chunks = chunks
        self.columns = ["district", "year", *columns]
        self.ready: queue.Queue[Chunk | BaseException | None] = queue.Queue()
        self.free = threading.Semaphore(SLOTS)
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._fill, name="synthetic-drawing", daemon=True)
        # Seconds the thread spent drawing, and copying chunks into the files.
        self.drawing = 0.0
        self.copying = 0.0

    def __enter__(self) -> Iterator[Chunk]:
        self.directory = tempfile.TemporaryDirectory(prefix="safevillage-synthetic-")
        self.paths = [Path(self.directory.name) / f"chunk{slot}.sqlite3" for slot in range(SLOTS)]
        self.switch_interval = sys.getswitchinterval()
        names = ", ".join(self.columns)
        for path in self.paths:
            with contextlib.closing(sqlite3.connect(path)) as scratch:
                scratch.execute(f"CREATE TABLE chunk ({names})")
        with connection.cursor() as cursor:
            for slot, path in enumerate(self.paths):
                cursor.execute(f"ATTACH DATABASE %s AS stage{slot}", [str(path)])
        sys.setswitchinterval(SWITCH_INTERVAL)
        self.thread.start()
        return self._handed_over()

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.stopping.set()
        self.free.release()  # a thread waiting for a file sees it is to stop
        self.thread.join()
        sys.setswitchinterval(self.switch_interval)
        with connection.cursor() as cursor:
            for slot in range(SLOTS):
                cursor.execute(f"DETACH DATABASE stage{slot}")
        self.directory.cleanup()

    def _handed_over(self) -> Iterator[Chunk]:
        while True:
            item = self.ready.get()
            if item is None:
                return
            if isinstance(item, BaseException):
                raise item
            yield item
            self.free.release()  # asked for the next chunk: this one is written

    def _fill(self) -> None:
        """The thread: draw each chunk and copy it into the next free file."""
        scratches: list[sqlite3.Connection] = []
        try:
            insert = f"INSERT INTO chunk VALUES ({', '.join(['?'] * len(self.columns))})"  # noqa: S608  # nosec B608
            for path in self.paths:
                scratches.append(sqlite3.connect(path, isolation_level=None))
                scratches[-1].execute("PRAGMA journal_mode = OFF")
                scratches[-1].execute("PRAGMA synchronous = OFF")
            while not self.stopping.is_set():
                started = time.perf_counter()
                chunk = next(self.chunks, None)
                self.drawing += time.perf_counter() - started
                if chunk is None:
                    break
                self.free.acquire()
                if self.stopping.is_set():
                    return
                started = time.perf_counter()
                slot = (chunk.number - 1) % SLOTS
                scratch = scratches[slot]
                scratch.execute("BEGIN")
                scratch.execute("DELETE FROM chunk")
                scratch.executemany(insert, ((p.district, p.year, *p.row) for p in chunk.records))
                scratch.execute("COMMIT")
                self.copying += time.perf_counter() - started
                self.ready.put(dataclasses.replace(chunk, records=[], stage=f"stage{slot}"))
            self.ready.put(None)
        except BaseException as error:  # handed to the writer, which raises it
            self.ready.put(error)
        finally:
            for scratch in scratches:
                scratch.close()
