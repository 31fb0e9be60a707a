"""Recall and precision of the paragraph search, measured against a plain
substring scan of the same paragraphs.

    python -m urbandb.site.search_check urbandb.sqlite            # the default terms
    python -m urbandb.site.search_check urbandb.sqlite 昌平 "南口 产业"

For each query the site's answer (`/urbandb/paragraphs.json?_search=…`, through
Datasette) is compared with the paragraphs (boilerplate left out) whose text
contains every term, ignoring ASCII case. The column `trigram only` is what
a plain FTS5 trigram MATCH of the whole query would return (Datasette's
default search), to show what the design fixes.
"""
from __future__ import annotations

import asyncio
import sqlite3
import sys
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from urbandb.site.search import UNSEARCHED_KINDS, fts_phrase, search_terms

DEFAULT_QUERIES = (
    # two characters
    "昌平", "南口", "用地", "园区", "坪山", "回天", "腾退",
    # three characters
    "产业园", "科学城", "天通苑", "实验室", "平方米",
    # four characters and more
    "产业用地", "城市更新", "清华南口", "老旧小区", "国家重点实验室",
    # mixed: several terms narrow the result
    "昌平 产业用地", "城市更新 昌平", "清华南口 产业", "南口 基地 2024", "坪山 产业 空间",
    # digits, Latin letters, punctuation
    "2024", "5G", "G6", "“3个100”",
    # in no paragraph
    "不存在的词语", "火星",
)


@dataclass
class QueryCheck:
    query: str
    expected: set[int]
    found: set[int]
    trigram_only: set[int]

    @property
    def precision(self) -> float:
        return len(self.found & self.expected) / len(self.found) if self.found else 1.0

    @property
    def recall(self) -> float:
        return len(self.found & self.expected) / len(self.expected) if self.expected else 1.0

    @property
    def trigram_precision(self) -> float:
        return len(self.trigram_only & self.expected) / len(self.trigram_only) if self.trigram_only else 1.0

    @property
    def trigram_recall(self) -> float:
        return len(self.trigram_only & self.expected) / len(self.expected) if self.expected else 1.0


def expected_ids(conn: sqlite3.Connection, query: str) -> set[int]:
    terms = [t.lower() for t in search_terms(query)]
    ids = set()
    for pid, kind, text in conn.execute("select id, kind, text from paragraphs"):
        if kind not in UNSEARCHED_KINDS and all(t in text.lower() for t in terms):
            ids.add(pid)
    return ids


def trigram_only_ids(conn: sqlite3.Connection, query: str) -> set[int]:
    """Datasette's own way: every term quoted, one MATCH on the trigram table."""
    match = " ".join(fts_phrase(t) for t in search_terms(query))
    try:
        return {r[0] for r in conn.execute("select rowid from fts_paragraphs where fts_paragraphs match ?", [match])}
    except sqlite3.OperationalError:
        return set()


async def site_ids(ds, query: str) -> set[int]:
    response = await ds.client.get(
        f"/urbandb/paragraphs.json?_search={quote(query)}&_shape=array&_col=id&_size=max"
    )
    response.raise_for_status()
    return {row["id"] for row in response.json()}


def check_queries(db_path: Path, queries=DEFAULT_QUERIES) -> list[QueryCheck]:
    from urbandb.site import make_datasette

    ds = make_datasette(db_path)
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)

    async def run() -> list[QueryCheck]:
        return [
            QueryCheck(q, expected_ids(conn, q), await site_ids(ds, q), trigram_only_ids(conn, q)) for q in queries
        ]

    try:
        return asyncio.run(run())
    finally:
        conn.close()


def report(checks: list[QueryCheck]) -> str:
    lines = [
        "| query | expected | found | precision | recall | trigram only: found | precision | recall |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for c in checks:
        lines.append(
            f"| {c.query} | {len(c.expected)} | {len(c.found)} | {c.precision:.2f} | {c.recall:.2f}"
            f" | {len(c.trigram_only)} | {c.trigram_precision:.2f} | {c.trigram_recall:.2f} |"
        )
    expected = sum(len(c.expected) for c in checks)
    found = sum(len(c.found) for c in checks)
    correct = sum(len(c.found & c.expected) for c in checks)
    trigram_found = sum(len(c.trigram_only) for c in checks)
    trigram_correct = sum(len(c.trigram_only & c.expected) for c in checks)
    lines.append(
        f"\nall {len(checks)} queries: precision {correct / found if found else 1:.3f}, "
        f"recall {correct / expected if expected else 1:.3f} "
        f"(trigram only: precision {trigram_correct / trigram_found if trigram_found else 1:.3f}, "
        f"recall {trigram_correct / expected if expected else 1:.3f})"
    )
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    checks = check_queries(Path(argv[0]), argv[1:] or DEFAULT_QUERIES)
    print(report(checks))
    return 0 if all(c.precision == 1 and c.recall == 1 for c in checks) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
