"""Seeded mutations of articles in every format, with hostile names and kinds of
file: every input is accounted for (loaded, or a load_errors row naming it),
no bug surfaces as an internal error, and the database stays whole."""
from __future__ import annotations

import json
import os
import random
import sqlite3

from conftest import SEEDS, migrated_database
from urbandb.db.engine import make_engine
from urbandb.loaders.inputs import readable_name
from urbandb.loaders.pipeline import default_pipeline, load_paths

CASES = 300
SEED = 20260412


def base_documents(body: str) -> dict[str, bytes]:
    """One article in each format the loader reads."""
    paragraphs = [p for p in body.split("\n") if p.strip()][:6]
    title, rest = paragraphs[0], paragraphs[1:]
    record = {"title": title, "author": "张三 李四", "date": "2024-03-15", "content": "\n".join(rest)}
    return {
        ".txt": "\n\n".join(paragraphs).encode("utf-8"),
        ".md": ("---\ntitle: " + title + "\nauthor: John Smith\n---\n# " + title + "\n\n" + "\n\n".join(rest)).encode(),
        ".html": (
            "<html><head><meta charset='gbk'><title>" + title + "</title></head><body><article>"
            + "".join(f"<p>{p}</p>" for p in rest) + "</article></body></html>"
        ).encode("gb18030"),
        ".json": json.dumps(record, ensure_ascii=False).encode(),
        ".jsonl": "\n".join(json.dumps({**record, "title": f"{title}{n}"}, ensure_ascii=False) for n in range(3)).encode(),
    }


def mutate(data: bytes, rng: random.Random) -> bytes:
    """One to three damages of the kinds real files suffer."""
    for _ in range(rng.randint(1, 3)):
        at = rng.randrange(len(data) + 1)
        kind = rng.randrange(10)
        if kind == 0:  # a flipped byte
            data = data[:at] + bytes([rng.randrange(256)]) + data[at + 1 :]
        elif kind == 1:  # random bytes inserted
            data = data[:at] + rng.randbytes(rng.randint(1, 12)) + data[at:]
        elif kind == 2:  # a span lost
            data = data[:at] + data[at + rng.randint(1, 200) :]
        elif kind == 3:  # cut off
            data = data[:at]
        elif kind == 4:  # a span repeated
            data = data[:at] + data[at : at + rng.randint(1, 400)] * rng.randint(2, 5) + data[at:]
        elif kind == 5:  # a NUL
            data = data[:at] + b"\x00" + data[at:]
        elif kind == 6:  # a lone invalid UTF-8 byte
            data = data[:at] + rng.choice([b"\xff", b"\xc3", b"\xe4\xb8", b"\x80"]) + data[at:]
        elif kind == 7:  # structure characters
            data = data[:at] + rng.choice([b"{", b"}", b"\n", b"---\n", b"*a ", b"&a ", b"<p>", b"</html>", b'"']) + data[at:]
        elif kind == 8:  # a byte order mark in the wrong place
            data = data[:at] + rng.choice([b"\xef\xbb\xbf", b"\xff\xfe"]) + data[at:]
        else:  # what parsers choke on, where a value starts: a number of thousands of digits, deep nesting
            at = rng.choice([i + 1 for i, byte in enumerate(data) if byte == ord(":")] or [at])
            data = data[:at] + rng.choice([b"9" * 5000, b"[" * 3000, b"{\"a\":" * 2000, b"<div>" * 400, b"> " * 2000]) + data[at:]
    return data


def hostile_name(n: int, suffix: str, rng: random.Random) -> bytes:
    stem = rng.choice([b"a", "城市更新".encode(), "城市".encode("gbk"), b"\xff\xfe", b"x y", b"-dash", b"'q'"])
    return b"%03d-%s%s" % (n, stem, suffix.encode())


def build_folder(folder, rng: random.Random) -> None:
    body = (SEEDS / "001_8fef133df46f6ba3.txt").read_text(encoding="utf-8")
    bases = base_documents(body)
    raw_folder = os.fsencode(folder)
    for n in range(CASES):
        roll = rng.random()
        path = raw_folder + b"/" + hostile_name(n, rng.choice(list(bases) + [".pdf", ""]), rng)
        if roll < 0.03:
            os.mkfifo(path)
        elif roll < 0.05:
            os.symlink(rng.choice([b"/dev/zero", b"/dev/null", b"/nonexistent"]), path)
        else:
            suffix = os.fsdecode(path).rsplit(".", 1)[-1]
            data = bases.get("." + suffix, bases[".txt"])
            with open(path, "wb") as handle:
                handle.write(data if roll < 0.15 else mutate(data, rng))


def test_fuzzed_folder_every_input_accounted_for_and_database_whole(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    build_folder(folder, random.Random(SEED))
    db = tmp_path / "u.sqlite"
    engine = make_engine(migrated_database(db))
    pipeline = default_pipeline()
    summary = load_paths(engine, [str(folder)], pipeline=pipeline)
    again = load_paths(engine, [str(folder)], pipeline=pipeline)
    engine.dispose()

    names = {readable_name(os.fsdecode(os.path.join(os.fsencode(folder), entry))) for entry in os.listdir(os.fsencode(folder))}
    assert len(names) == CASES and {o.path for o in summary.outcomes} == names
    conn = sqlite3.connect(db)
    loaded = {path for (path,) in conn.execute("select path from source_files")}
    recorded: dict[str, set[str]] = {}
    for path, severity in conn.execute("select source_path, severity from load_errors where run_id = ?", (summary.run_id,)):
        recorded.setdefault(path, set()).add(severity)
    counts = {}
    for outcome in summary.outcomes:
        counts[outcome.status] = counts.get(outcome.status, 0) + 1
        assert "internal error" not in (outcome.error or ""), outcome
        if outcome.status == "added":
            assert outcome.path in loaded
        else:
            assert outcome.status in ("failed", "skipped") and outcome.path in recorded, outcome
            assert ("skipped" if outcome.status == "skipped" else "error") in recorded[outcome.path]
        if outcome.rejected:
            assert "error" in recorded.get(outcome.path, set())
    # The second run reads the same folder: loaded files are unchanged, the others recorded again.
    assert again.counts["files_unchanged"] == counts["added"]
    assert again.counts["files_failed"] + again.counts["files_skipped"] == CASES - counts["added"]
    assert conn.execute("pragma integrity_check").fetchall() == [("ok",)]
    assert conn.execute("pragma foreign_key_check").fetchall() == []
    assert conn.execute("select count(*) from documents where id not in (select document_id from paragraphs)").fetchone() == (0,)
    # Each kind of outcome happens, so the test exercises every path.
    assert min(counts.get(status, 0) for status in ("added", "failed", "skipped")) > 10, counts
    warned = sum("warning" in severities for severities in recorded.values())
    print(f"fuzz: {CASES} inputs, {counts}, {summary.rejected_records} records rejected, {warned} files with replaced bytes")
