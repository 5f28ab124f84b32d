"""Web captures: WARC files (.warc, .warc.gz), each HTTP response read as the file it carries.

A response's payload goes through the format registry like any file (its reader chosen by
Content-Disposition, Content-Type and magic bytes, see `sniff`), and its segments are located
by the record: ``{"url": …, "record_id": …, **the member's own location}``. A WARC is
evidence: it is read, never rewritten (a finding in it makes `mask` refuse).
"""
