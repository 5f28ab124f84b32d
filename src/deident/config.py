"""Run-time configuration, parsed once into frozen objects and passed down explicitly."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

from deident.errors import ConfigError


@dataclass(frozen=True, slots=True)
class Limits:
    """Resource limits: a file beyond them is blocked (`too large`), never half-read."""

    max_file_bytes: int = 512 * 1024 * 1024
    max_uncompressed_bytes: int = 2 * 1024 * 1024 * 1024  # zip bomb guard: total of all parts
    max_compression_ratio: float = 200.0  # zip bomb guard: per part, uncompressed / compressed
    max_zip_entries: int = 5_000  # real documents have hundreds; 19,000 tiny parts took 1.27 GB
    max_archive_depth: int = 4  # archives inside archives (附件.zip inside 材料.zip …)
    max_image_pixels: int = 80_000_000
    max_pdf_pages: int = 5_000
    convert_timeout_s: float = 120.0  # LibreOffice conversion of one legacy file


@dataclass(frozen=True, slots=True)
class ScanConfig:
    """What to look for and how sure it must be. `entities=None` means every entity."""

    min_score: float = 0.5
    entities: frozenset[str] | None = None
    limits: Limits = field(default_factory=Limits)
    # Officials named in appointment / leadership notices are public by default.
    flag_officials: bool = False
    ocr: bool = True
    # Use the statistical NER model where installed (names/addresses without cue words).
    use_model: bool = False
    # After masking, re-read the masked copy and refuse to write it if anything is left.
    verify_masked: bool = True
    # Add OCR of rendered PDF pages to the second reading (`--verify ocr`; slow).
    verify_ocr: bool = False

    def __post_init__(self) -> None:
        if self.entities is not None:
            unknown = set(self.entities) - known_entities()
            if unknown:
                # The same rule as the CLI's --entities: a misspelt type would silently find nothing.
                raise ConfigError(
                    f"unknown entity type(s): {', '.join(sorted(unknown))}; "
                    f"known: {', '.join(sorted(known_entities()))}"
                )

    def wants(self, entity_type: str) -> bool:
        return self.entities is None or entity_type in self.entities


@functools.lru_cache(maxsize=1)
def known_entities() -> frozenset[str]:
    """The entity types the shipped recognizers report."""
    from deident.detection.spec import load_specs

    return frozenset(s.entity for s in load_specs())


DEFAULT_CONFIG = ScanConfig()
