"""Word tables under `extract/data/`: one `word<TAB>kind` row a line, `#` comments."""
from __future__ import annotations

from functools import lru_cache
from importlib import resources


@lru_cache(maxsize=None)
def word_table(name: str) -> dict[str, tuple[str, ...]]:
    """kind -> its words, longest first, from `extract/data/<name>.tsv`."""
    text = resources.files("urbandb.extract").joinpath(f"data/{name}.tsv").read_text(encoding="utf-8")
    table: dict[str, list[str]] = {}
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        word, kind = (part.strip() for part in line.split("\t")[:2])
        table.setdefault(kind, []).append(word)
    return {kind: tuple(sorted(words, key=len, reverse=True)) for kind, words in table.items()}
