"""The second, independent reading of a file (DESIGN.md section 7).

The structured readers in `deident.formats` give text with locations for masking; a blind
spot of theirs (lines joined into one digit run, a part they do not know) would be invisible
to their own re-read of the masked copy. This package reads every file a second time by other
means and shares no code path with them: every string of every member of a zip package
(comments, attributes, processing instructions, names, non-XML parts, the zip comment, bytes
after the end record), PDFium's text plus every string object, embedded file, old revision
and trailing byte of a PDF, the raw HTML source with entities, CSS escapes and URLs decoded,
image metadata, the raw decoded text. Optionally (`ocr=True`) rendered PDF pages are OCR'd.

`reading.second_reading(path)` yields `Piece`s; `deident.verify.compare` scans them with the shared
detection engine and says which values the structured reading did not see.
"""
