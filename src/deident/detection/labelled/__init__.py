"""Labelled values: a word that names an identifier makes the value after it (or under it) that identifier."""
