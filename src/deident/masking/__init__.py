"""Masking: policies (per-entity operators) and the one place where text is rewritten."""
