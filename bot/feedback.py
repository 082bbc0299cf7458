"""Feedback (👍/👎 and a comment) stored with the question, answer and citations, for later review."""
from __future__ import annotations

import json
import sqlite3
import time
from pathlib import Path

from .types import Answer


class FeedbackStore:
    def __init__(self, path: Path):
        self.path = path
        with self._db() as db:
            db.execute("""CREATE TABLE IF NOT EXISTS feedback (
                id INTEGER PRIMARY KEY, ts REAL, user TEXT, question TEXT, answer TEXT, citations TEXT,
                mode TEXT, rating INTEGER, comment TEXT)""")

    def _db(self) -> sqlite3.Connection:
        return sqlite3.connect(self.path, timeout=30)

    def add(self, answer: dict | Answer, rating: int, comment: str = "", user: str = "") -> int:
        """rating: +1 (👍), -1 (👎) or 0 (comment only). Returns the row id."""
        d = answer.to_dict() if isinstance(answer, Answer) else answer
        with self._db() as db:
            cur = db.execute(
                "INSERT INTO feedback (ts, user, question, answer, citations, mode, rating, comment) VALUES (?,?,?,?,?,?,?,?)",
                (time.time(), user, d.get("question", ""), d.get("answer", ""),
                 json.dumps(d.get("citations", []), ensure_ascii=False), d.get("mode", ""), int(rating), comment[:2000]))
            return int(cur.lastrowid)

    def all(self) -> list[dict]:
        with self._db() as db:
            db.row_factory = sqlite3.Row
            return [dict(r) for r in db.execute("SELECT * FROM feedback ORDER BY id")]
