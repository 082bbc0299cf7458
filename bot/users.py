"""Access control for the web chat: users with PBKDF2-hashed passwords in SQLite under BOT_DATA_DIR.

When no user exists, the chat is open (it binds to 127.0.0.1 by default). `bot user add NAME --admin`
turns login on; only admins may upload reports.
"""
from __future__ import annotations

import hashlib
import hmac
import os
import sqlite3
from pathlib import Path

from .errors import BotError

ITERATIONS = 200_000  # PBKDF2-SHA256; OWASP's 2023 floor is 600k for SHA-256, but logins here are rare and local


class Users:
    def __init__(self, path: Path):
        self.path = path
        with self._db() as db:
            db.execute("CREATE TABLE IF NOT EXISTS users (name TEXT PRIMARY KEY, salt BLOB, hash BLOB, admin INTEGER)")

    def _db(self) -> sqlite3.Connection:
        return sqlite3.connect(self.path, timeout=30)

    @staticmethod
    def _hash(password: str, salt: bytes) -> bytes:
        return hashlib.pbkdf2_hmac("sha256", password.encode(), salt, ITERATIONS)

    def add(self, name: str, password: str, admin: bool = False) -> None:
        if not name.strip() or len(password) < 8:
            raise BotError("A user needs a name and a password of at least 8 characters.")
        salt = os.urandom(16)
        with self._db() as db:
            db.execute("INSERT OR REPLACE INTO users VALUES (?, ?, ?, ?)", (name.strip(), salt, self._hash(password, salt), int(admin)))

    def remove(self, name: str) -> bool:
        with self._db() as db:
            return db.execute("DELETE FROM users WHERE name = ?", (name,)).rowcount > 0

    def check(self, name: str, password: str) -> bool:
        with self._db() as db:
            row = db.execute("SELECT salt, hash FROM users WHERE name = ?", (name,)).fetchone()
        if row is None:
            self._hash(password, b"0" * 16)  # same work either way: no timing hint that a name exists
            return False
        return hmac.compare_digest(self._hash(password, row[0]), row[1])

    def is_admin(self, name: str | None) -> bool:
        if not name:
            return False
        with self._db() as db:
            row = db.execute("SELECT admin FROM users WHERE name = ?", (name,)).fetchone()
        return bool(row and row[0])

    def enabled(self) -> bool:
        with self._db() as db:
            return db.execute("SELECT COUNT(*) FROM users").fetchone()[0] > 0

    def names(self) -> list[tuple[str, bool]]:
        with self._db() as db:
            return [(n, bool(a)) for n, a in db.execute("SELECT name, admin FROM users ORDER BY name")]
