"""`python -m deident.spark INPUT OUTPUT …`, or this file given to spark-submit:

    spark-submit --master yarn --deploy-mode cluster "$(python -c 'import deident.spark.__main__ as m; print(m.__file__)')" \
        hdfs:///archive/2019 hdfs:///deident/2019

The options are those of `deident spark-scan` (the CLI prints and exits; this only hands over).
"""

from __future__ import annotations

import sys


def main() -> None:
    """`python -m deident.spark …` is `deident spark-scan …` (same messages and exit codes)."""
    from deident.cli.app import main as app_main

    sys.argv[1:1] = ["spark-scan"]
    app_main()


if __name__ == "__main__":
    main()
