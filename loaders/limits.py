"""Bounds on what one input file may cost a load, configurable from the command line."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Limits:
    """Per-file bounds; a file over one is recorded in `load_errors` and the run goes on.

    `max_file_mb`: larger files are skipped unread (a news article is well under 1 MB;
    a JSON Lines feed of thousands is a few MB).
    `max_seconds_per_file`: reading and extraction of one file; over it, the file is
    recorded as failed (enforced where files are processed, see `pipeline`).
    """

    max_file_mb: float = 64.0
    max_seconds_per_file: float = 300.0

    @property
    def max_file_bytes(self) -> int:
        return int(self.max_file_mb * 1024 * 1024)


DEFAULT_LIMITS = Limits()
