"""The enforcement system's file drops: numbered CSV or JSON-lines files in a folder.

A file is written under `<name>.part` (which no feed pattern matches) and renamed into place
only when complete and flushed to disk, so a reader never sees half a file.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import BinaryIO

PART_SUFFIX = ".part"


class DropWriter:
    """Rows of one feed into `<stem>-0001<suffix>`, `<stem>-0002<suffix>`, … of at most
    `rows_per_file` rows each."""

    def __init__(self, directory: Path, stem: str, suffix: str, header: bytes = b"",
                 rows_per_file: int = 50_000) -> None:
        if rows_per_file < 1:
            raise ValueError(f"rows_per_file must be positive, got {rows_per_file}")
        self.directory = directory
        self.stem = stem
        self.suffix = suffix
        self.header = header
        self.rows_per_file = rows_per_file
        self.files: list[Path] = []
        self._handle: BinaryIO | None = None
        self._rows = 0

    def _current(self) -> tuple[Path, Path]:
        """(final name, name while being written) of the file being written."""
        final = self.directory / f"{self.stem}-{len(self.files) + 1:04d}{self.suffix}"
        return final, final.with_name(final.name + PART_SUFFIX)

    def _open(self) -> BinaryIO:
        if self._handle is None:
            self._handle = self._current()[1].open("wb")
            self._handle.write(self.header)
            self._rows = 0
        return self._handle

    def write(self, lines: bytes) -> None:
        """Append complete, newline-terminated rows (one per line)."""
        rows = lines.splitlines(keepends=True)
        while rows:
            handle = self._open()
            room = self.rows_per_file - self._rows
            handle.write(b"".join(rows[:room]))
            self._rows += min(room, len(rows))
            rows = rows[room:]
            if self._rows >= self.rows_per_file:
                self._finish()

    def _finish(self) -> None:
        handle = self._handle
        if handle is None:
            return
        handle.flush()
        os.fsync(handle.fileno())
        handle.close()
        self._handle = None
        final, part = self._current()
        os.replace(part, final)
        self.files.append(final)

    def close(self) -> list[Path]:
        """Put the last file in place; returns every file written."""
        self._finish()
        return self.files

    def abandon(self) -> None:
        """Drop the file being written (its `.part` name never becomes visible)."""
        handle = self._handle
        if handle is not None:
            handle.close()
            self._handle = None
            self._current()[1].unlink(missing_ok=True)
