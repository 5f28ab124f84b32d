"""deident: find and mask personal information in Chinese government content and attachments.

    >>> import deident
    >>> [f.entity_type for f in deident.scan_text("联系电话：13812345678")]
    ['CN_MOBILE']
    >>> deident.mask_text("联系电话：13812345678").text
    '联系电话：138****5678'

Importing this package loads no heavy library: formats import theirs when first used.
"""

from __future__ import annotations

from deident.api import mask_file, mask_text, scan_file, scan_text
from deident.config import Limits, ScanConfig
from deident.errors import BlockedError, ConfigError, DeidentError, MaskError, PolicyError
from deident.masking.policy import Policy
from deident.model import Explanation, FileReport, Finding, MaskedText, MaskReport, Status

__version__ = "0.1.0"

__all__ = [
    "BlockedError",
    "ConfigError",
    "DeidentError",
    "Explanation",
    "FileReport",
    "Finding",
    "Limits",
    "MaskError",
    "MaskReport",
    "MaskedText",
    "Policy",
    "PolicyError",
    "ScanConfig",
    "Status",
    "__version__",
    "mask_file",
    "mask_text",
    "scan_file",
    "scan_text",
]
