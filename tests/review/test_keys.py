from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from deident.errors import ConfigError
from deident.review.keys import default_key_path, load_key, normalise_value


def test_key_is_created_on_first_use_with_mode_0600(tmp_path: Path) -> None:
    p = tmp_path / "cfg" / "deident" / "hmac.key"
    k1 = load_key(p)
    assert p.exists()
    assert stat.S_IMODE(p.stat().st_mode) == 0o600
    assert len(k1.secret) == 32
    k2 = load_key(p)
    assert k1 == k2, "the second use must read the same key, not create a new one"


def test_default_path_comes_from_env_or_config_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DEIDENT_KEY_FILE", str(tmp_path / "x.key"))
    assert default_key_path() == tmp_path / "x.key"
    monkeypatch.delenv("DEIDENT_KEY_FILE")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    assert default_key_path() == tmp_path / "xdg" / "deident" / "hmac.key"


def test_missing_key_without_create_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="no HMAC key"):
        load_key(tmp_path / "none.key", create=False)


def test_key_readable_by_others_is_refused(tmp_path: Path) -> None:
    p = tmp_path / "k"
    load_key(p)
    os.chmod(p, 0o644)
    with pytest.raises(ConfigError, match="chmod 600"):
        load_key(p)


def test_key_inside_the_content_repository_is_refused(tmp_path: Path) -> None:
    repo = tmp_path / "site"
    (repo / ".git").mkdir(parents=True)
    with pytest.raises(ConfigError, match="inside the content repository"):
        load_key(repo / "secrets" / "hmac.key", forbid_under=repo)
    assert not (repo / "secrets" / "hmac.key").exists()


def test_garbage_key_file_is_refused(tmp_path: Path) -> None:
    p = tmp_path / "k"
    p.write_text("not hex at all\n")
    os.chmod(p, 0o600)
    with pytest.raises(ConfigError, match="hex key"):
        load_key(p)


def test_value_hmac_normalises_forms_of_one_number(tmp_path: Path) -> None:
    k = load_key(tmp_path / "k")
    assert k.value_hmac("CN_MOBILE", "138-1234-5678") == k.value_hmac("CN_MOBILE", "13812345678")
    assert k.value_hmac("CN_MOBILE", "１３８１２３４５６７８") == k.value_hmac("CN_MOBILE", "13812345678")
    assert k.value_hmac("CN_RESIDENT_ID", "11010519491231002x") == k.value_hmac(
        "CN_RESIDENT_ID", "11010519491231002X"
    )
    # The entity type is part of the digest: the same digits as another kind of value differ.
    assert k.value_hmac("CN_BANK_CARD", "13812345678") != k.value_hmac("CN_MOBILE", "13812345678")


def test_value_hmac_depends_on_the_key(tmp_path: Path) -> None:
    a, b = load_key(tmp_path / "a"), load_key(tmp_path / "b")
    assert a.value_hmac("CN_MOBILE", "13812345678") != b.value_hmac("CN_MOBILE", "13812345678")
    assert a.key_id != b.key_id
    assert a.secret.hex() not in a.key_id


@given(st.text(min_size=1, max_size=20), st.text(min_size=1, max_size=20))
def test_distinct_normalised_values_give_distinct_digests(x: str, y: str) -> None:
    from deident.review.keys import Key

    k = Key(b"k" * 32)
    if normalise_value(x) != normalise_value(y):
        assert k.value_hmac("PERSON", x) != k.value_hmac("PERSON", y)
    else:
        assert k.value_hmac("PERSON", x) == k.value_hmac("PERSON", y)
