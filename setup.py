"""Build configuration that pyproject.toml cannot express: the compiled engine loops and the
recognizers folder, which lives at the top of the repository but ships as deident/recognizers.

The extension is optional: on a platform without a C compiler the build goes on and deident
runs its pure-Python twins of the same loops (slower, same results; see
src/deident/detection/native.py). ``DEIDENT_REQUIRE_NATIVE=1`` makes a failed compile an
error instead, as CI wants.
"""

from __future__ import annotations

import os

from setuptools import Extension, find_namespace_packages, setup

REQUIRED = os.environ.get("DEIDENT_REQUIRE_NATIVE", "") not in ("", "0")


def extensions() -> list[Extension]:
    try:
        from Cython.Build import cythonize
    except ImportError:
        if REQUIRED:
            raise
        return []
    exts = [
        Extension(f"deident.detection.{name}", [f"src/deident/detection/{name}.pyx"])
        for name in ("_native", "_reading")
    ]
    # The PDF fast reader's per-character loop (src/deident/formats/pdf/fast_text.py has its twin).
    exts.append(Extension("deident.formats.pdf._glyphs", ["src/deident/formats/pdf/_glyphs.pyx"]))
    compiled = cythonize(exts, language_level=3, quiet=True)
    for ext in compiled:
        ext.optional = not REQUIRED  # set afterwards: cythonize's copies drop the flag
    return compiled


setup(
    packages=[
        *find_namespace_packages("src", include=["deident", "deident.*"], exclude=["*.__pycache__"]),
        "deident.recognizers",
    ],
    package_dir={"": "src", "deident.recognizers": "recognizers"},
    package_data={"": ["*"]},
    exclude_package_data={"": ["*.c", "*.so", "*.pyd", "*.pyc", "*.html"]},
    ext_modules=extensions(),
)
