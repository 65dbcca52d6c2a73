"""kam's file import toolkit, with no Django and no other kam package.

`reading` opens CSV, XLSX and Parquet files as all-text column batches, `values` parses what
real exports hold, `mapping` matches a file's columns to an importer's fields, `results` holds
the row errors every importer answers with, and `registry` the importers each app registers.
"""
