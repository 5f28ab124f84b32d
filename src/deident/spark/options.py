"""What one spark-scan run does, parsed once on the driver and shipped to every executor."""

from __future__ import annotations

from dataclasses import dataclass, field

from deident.config import ScanConfig

# Longer than LibreOffice's own conversion timeout (Limits.convert_timeout_s, 120 s), so a slow
# conversion is stopped by the converter, which also kills soffice, before the watchdog fires.
DEFAULT_TIMEOUT_S = 300.0


@dataclass(frozen=True, slots=True)
class JobOptions:
    input_uri: str
    output_uri: str
    config: ScanConfig = field(default_factory=ScanConfig)
    policy: str = "gov"
    glob: str | None = None
    mask_to: str | None = None
    with_values: bool = False
    timeout_s: float = DEFAULT_TIMEOUT_S
    # Address-space limit of the child that scans (bytes); None: no limit beyond the executor's.
    max_memory_bytes: int | None = None
    # The ledger's HMAC key (review/keys.py), read on the driver; it travels in the task closure,
    # so on a cluster enable spark.network.crypto.enabled (see docs/notes/issue-16.md).
    key_secret: bytes = b""
    # Spark reads the bytes (binaryFile's content) even of a file: input, which the executors
    # otherwise read themselves (fetch.py); any other filesystem is always read by Spark.
    spark_reads: bool = False
    # Scan again the files an earlier run blocked (timeout, crash, unreadable, no LibreOffice
    # on the executor, ...) instead of skipping them as done.
    rescan_blocked: bool = False
    # Filled in by the driver: the qualified input root (masked copies keep paths relative to it).
    input_root: str = ""
    run_id: str = ""

    def files_uri(self) -> str:
        return self.output_uri.rstrip("/") + "/files"

    def findings_uri(self) -> str:
        return self.output_uri.rstrip("/") + "/findings"
