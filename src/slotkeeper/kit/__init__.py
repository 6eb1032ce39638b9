"""Cross-cutting plumbing: settings, database, errors, auth, clock."""
