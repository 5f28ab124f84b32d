"""Masking a zip changes exactly the members that hold personal data (property)."""

from __future__ import annotations

import random
import zipfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from deident.config import ScanConfig
from deident.masking.policy import Policy
from deident.pipeline import mask_path
from tests.factories import pii
from tests.factories.archives import make_zip

# Member names built from the words of government file names: a run of random characters of
# this alphabet may spell a name (单单次), and the property is about members without any.
_WORDS = st.lists(
    st.sampled_from(["公示", "通知", "补贴", "发放", "名单", "说明", "附件", "第一批", "第二批", "第三批"]),
    min_size=1,
    max_size=4,
).map("".join)


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    members=st.lists(st.tuples(_WORDS, st.booleans()), min_size=1, max_size=6, unique_by=lambda m: m[0]),
    gbk=st.booleans(),
    seed=st.integers(0, 10_000),
)
def test_only_members_with_personal_data_change(
    tmp_path: Path, members: list[tuple[str, bool]], gbk: bool, seed: int
) -> None:
    rng = random.Random(seed)
    files: dict[str, bytes] = {}
    secrets: dict[str, str] = {}
    for i, (word, leaks) in enumerate(members):
        name = f"{i}/{word}.txt"
        text = f"{word}。本通知自发布之日起施行。\n"
        if leaks:
            secrets[name] = pii.resident_id(rng)
            text += f"申请人身份证号码：{secrets[name]}\n"
        files[name] = text.encode()
    src = tmp_path / f"p{seed}.zip"
    src.write_bytes(make_zip(files, gbk=gbk))
    result = mask_path(src, tmp_path / "out" / src.name, ScanConfig(), Policy.load("gov"))
    assert result.ok, result.report.reason
    with zipfile.ZipFile(src) as a, zipfile.ZipFile(result.output or "") as b:
        assert [i.orig_filename for i in a.infolist()] == [i.orig_filename for i in b.infolist()]
        for info in a.infolist():
            name = (
                info.orig_filename.encode("cp437").decode("gbk")
                if gbk and not info.flag_bits & 0x800
                else info.filename
            )
            after = b.read(info.orig_filename)
            if name in secrets:
                assert secrets[name].encode() not in after
            else:
                assert after == a.read(info) and b.getinfo(info.orig_filename).CRC == info.CRC
