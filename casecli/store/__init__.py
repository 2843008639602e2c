"""Encrypted storage: key slots, the SQLCipher store, its schema and migrations."""
