"""Cases between workers: identities and contacts, the bundle format, export and import."""
