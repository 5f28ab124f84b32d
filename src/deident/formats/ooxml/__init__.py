"""Office Open XML packages: .docx and .xlsx, every part edited in the zip, other members byte-identical."""
