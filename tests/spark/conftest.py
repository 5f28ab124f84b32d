"""One local SparkSession for the whole test session (starting one takes seconds)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from deident.review.keys import Key, load_key


@pytest.fixture(scope="session")
def spark() -> Iterator[object]:
    pytest.importorskip("pyspark")
    if shutil.which("java") is None:
        pytest.skip("Spark needs Java (Debian: default-jre-headless)")
    from deident.spark.session import get_session

    # get_session makes the workers run this interpreter (the one with deident installed).
    settings = {"spark.ui.enabled": "false", "spark.sql.shuffle.partitions": "4"}
    session = get_session("local[2]", settings)
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


@pytest.fixture(scope="session")
def key(tmp_path_factory: pytest.TempPathFactory) -> Key:
    """The deployment key, outside any content folder, as `deident spark-scan` loads it."""
    path = tmp_path_factory.mktemp("key") / "hmac.key"
    os.environ["DEIDENT_KEY_FILE"] = str(path)
    return load_key(path)


def copy_corpus(dst: Path) -> Path:
    root = Path(__file__).resolve().parents[2] / "corpora"
    for name in ("dev", "samples"):
        shutil.copytree(root / name, dst / name)
    return dst
