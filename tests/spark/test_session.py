"""The session a local spark-scan starts: its defaults, and the user's --conf over them."""

from __future__ import annotations

import pytest

pytest.importorskip("pyspark")

from deident.spark.session import LOCAL_DEFAULTS, settings

C1_ONLY = "-XX:TieredStopAtLevel=1"


@pytest.mark.parametrize("master", ["local", "local[1]", "local[2]", "local[*]"])
def test_a_local_session_gets_no_ui_and_a_c1_only_jvm(master: str) -> None:
    got = settings(master)
    assert got["spark.ui.enabled"] == "false"
    assert got["spark.driver.extraJavaOptions"] == C1_ONLY


@pytest.mark.parametrize("master", [None, "yarn", "k8s://https://10.0.0.1:6443", "spark://h:7077"])
def test_a_cluster_keeps_spark_s_defaults(master: str | None) -> None:
    assert settings(master) == {}
    assert settings(master, {"spark.executor.cores": "4"}) == {"spark.executor.cores": "4"}


def test_the_user_s_conf_wins_over_the_local_defaults() -> None:
    mine = {"spark.driver.extraJavaOptions": "-Xss4m", "spark.ui.enabled": "true"}
    assert settings("local[2]", mine) == {**LOCAL_DEFAULTS, **mine}
    assert settings("local[2]", mine)["spark.driver.extraJavaOptions"] == "-Xss4m"


@pytest.mark.slow
def test_the_local_jvm_really_runs_with_c1_only(spark) -> None:
    """The option reaches the JVM PySpark launches (set before it starts), not only the conf."""
    jvm = spark.sparkContext._jvm  # type: ignore[attr-defined]
    args = list(jvm.java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments())
    assert C1_ONLY in args
