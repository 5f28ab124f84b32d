"""PDF: text per glyph, true redaction in content streams, sanitising, pictures and scanned pages."""
