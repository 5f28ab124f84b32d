"""HTML pages, read and masked byte for byte through an offset-preserving lexer."""
