"""The change feed of the archive: events in a resumable order (see migration 0008)."""
