"""Plain text: every non-blank line is a block; blank lines between them are counted."""
from __future__ import annotations

from urbandb.loaders.structure import Block


def text_blocks(text: str) -> list[Block]:
    """Lines to blocks, remembering how many blank lines came before each.

    A blank line may be a paragraph break or a page break; `structure` decides.
    """
    blocks: list[Block] = []
    blanks = 0
    for line in text.split("\n"):
        if line.strip(" \t\u3000\xa0\ufeff"):
            blocks.append(Block(text=line, blank_before=blanks))
            blanks = 0
        else:
            blanks += 1
    return blocks
