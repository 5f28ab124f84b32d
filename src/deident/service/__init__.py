"""HTTP API for CMSs written in Java or PHP: findings, masked files, gate verdicts, approvals."""
