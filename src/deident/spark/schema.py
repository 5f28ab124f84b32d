"""The Parquet tables' Spark schemas: OUTPUT/files and OUTPUT/findings (rows.py fills them)."""

from __future__ import annotations

from pyspark.sql.types import (
    ArrayType,
    DoubleType,
    IntegerType,
    LongType,
    MapType,
    StringType,
    StructField,
    StructType,
)

FINDING = StructType(
    [
        StructField("entity_type", StringType(), False),
        StructField("masked_text", StringType(), True),
        StructField("value_hmac", StringType(), False),
        StructField("value", StringType(), True),  # null unless --with-values
        StructField("score", DoubleType(), False),
        StructField("recognizer", StringType(), True),
        StructField("location", StringType(), True),  # JSON object: page; sheet + cell; part + paragraph …
        StructField("start", IntegerType(), False),
        StructField("end", IntegerType(), False),
    ]
)

_FILE_FIELDS = [
    StructField("path", StringType(), False),
    StructField("sha256", StringType(), True),  # null only when the bytes were never read (too large)
    StructField("size", LongType(), True),
    StructField("status", StringType(), False),  # clean | findings | blocked
    StructField("reason", StringType(), True),
    StructField("detail", StringType(), True),
    StructField("findings", IntegerType(), False),
    StructField("entities", MapType(StringType(), IntegerType()), True),  # findings per entity type
    StructField("notes", ArrayType(StringType()), True),
    StructField("masked_to", StringType(), True),
    StructField("run_id", StringType(), False),
]

# What the executors return: a file row with its findings nested (split into the two tables).
RESULT = StructType([*_FILE_FIELDS, StructField("found", ArrayType(FINDING), False)])
FILES = StructType(_FILE_FIELDS)
FINDINGS = StructType(
    [
        StructField("path", StringType(), False),
        StructField("sha256", StringType(), True),
        *FINDING.fields,
        StructField("run_id", StringType(), False),
    ]
)
