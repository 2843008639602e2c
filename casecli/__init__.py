"""casecli: offline-first, encrypted case management for unaccompanied and separated children."""

__version__ = "0.1.0"
