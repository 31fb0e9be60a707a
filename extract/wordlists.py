"""Word tables under `extract/data/`: one `word<TAB>kind` row a line, `#` comments; and the
few words every stage reads the same way."""
from __future__ import annotations

import re
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


def alternation(words) -> str:
    """`words` as one regex alternation that matches as `w1|w2|…` does, its words
    grouped by their first character (平(?:方公里|…|米|方)|亩|…): the engine tries the
    branches one by one, and words that start differently cannot both match where
    one does, so only the order within a group matters, and it is kept."""
    groups: dict[str, list[str]] = {}
    for word in words:
        groups.setdefault(word[0], []).append(word[1:])
    return "|".join(
        re.escape(first + rests[0]) if len(rests) == 1 else re.escape(first) + "(?:" + "|".join(map(re.escape, rests)) + ")"
        for first, rests in groups.items()
    )


# Words more than one stage reads the same way.
LIST_JOINTS = ("、", "和", "及", "与", "或")  # what joins the items of a list (A、B, A和B)
# After a figure, what makes it a level compared with (低于24城(开关店比整体)水平), not what a
# verb reaches (超过30家企业达到…水平).
LEVEL_AFTER_RE = re.compile(r"(?:(?![达到为是在有])[\u4e00-\u9fff]){0,8}?水平")
# Real sentences run to a few hundred characters; text without sentence marks (a list, a
# feed's run-on line) does not make one sentence of a whole paragraph: each stage looks at
# most this far from a figure or a name for its sentence's bounds, so that a paragraph's
# cost grows with its length, not its square.
SENTENCE_REACH = 600
