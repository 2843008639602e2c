"""Keeping the store safe: key changes and recovery, integrity checks, backup, retention."""
