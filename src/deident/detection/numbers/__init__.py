"""Number-like values: folding, runs and their readings, checksums, odd renderings, IDs inside longer identifiers."""
