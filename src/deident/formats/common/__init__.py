"""Below the text and HTML families: encodings and delimited tables, shared by both."""
