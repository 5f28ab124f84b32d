"""Plain text, Markdown, CSV and TSV."""
