"""先审后发: review decisions, approvals, the append-only ledger and the publish gate.

Nothing is published until a reviewer has approved exactly the bytes that go out: approvals
are bound to a file's sha256, and `gate` lets through only files approved at their current
sha256. The ledger holds no personal data (keyed HMACs of values, sha256 of files).
"""
