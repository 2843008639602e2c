"""casecli: offline-first, encrypted case management for unaccompanied and separated children."""

__version__ = "0.3.1"  # bumped with each change a worker sees (CHANGELOG.md)
