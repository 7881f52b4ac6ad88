"""Text structure that both refusal rule sets read (``refusal.py``, ``soft_refusal.py``): one definition
of a markdown list item, so that "the response has steps" means the same thing to both."""
from __future__ import annotations

import re

__all__ = ["LIST_ITEM", "count_list_items"]

LIST_ITEM = re.compile(r"^[ \t]*(?:\d+[.)]|[-*•+]|#{1,6})[ \t]+\S", re.M)
LIST_LINE = re.compile(r"[ \t]*(?:\d+[.)]|[-*•+]|#{1,6})[ \t]+\S")


def count_list_items(text: str, stop: int = 1 << 30) -> int:
    """``len(LIST_ITEM.findall(text))`` (capped at ``stop``) without trying ``^`` at every character: a match cannot
    cross a line break, so it is one match per line whose first non-blank character can open a list item."""
    n = 0
    for line in text.split("\n"):
        c = line.lstrip(" \t")[:1]
        if c and (c in "-*•+#" or c.isdigit()) and LIST_LINE.match(line) is not None:
            n += 1
            if n >= stop:
                break
    return n
