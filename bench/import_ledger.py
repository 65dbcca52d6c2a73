"""Benchmark `kam import ledger` against the stores' own bulk loaders and django-import-export.

Makes an N-line CSV for M accounts, then, in the same run, times on SQLite and PostgreSQL:
- `kam import ledger FILE` into a fresh kam database (accounts created beforehand);
- the store's bare bulk path into a table without indexes (`sqlite3 .import`, psql `\\copy`);
- django-import-export (bulk mode) importing the same file into the same model;
and the peak memory (max RSS) of the kam import. Results print as a Markdown table.

    .venv/bin/python bench/import_ledger.py [--lines 1000000] [--accounts 10000]
        [--skip-import-export] [--pg postgres://postgres@127.0.0.1:5432]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchkit import KAM, STEPS, import_profile, make_files, prepare, scratch_databases


def timed(command: list[str], env: dict[str, str], stderr: Path | None = None) -> tuple[float, int]:
    """Wall seconds and this child's own peak RSS in MiB (wait4 reports it per process; it
    includes the parent's pages until the child execs, so the parent stays small)."""
    start = time.perf_counter()
    errors = stderr.open("w") if stderr else None
    child = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=errors)
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    if errors:
        errors.close()
    if child.returncode:
        raise subprocess.CalledProcessError(child.returncode, command)
    return seconds, usage.ru_maxrss // 1024


BARE = (
    "CREATE TABLE bare (customer text, date date, amount numeric, document text, "
    "line text, category text, cost numeric)"
)

IMPORT_EXPORT = r"""
import sys, time, tablib
from import_export import resources, fields, widgets
from kam.accounts.models import Account
from kam.ledger.models import ImportBatch, LedgerLine
batch = ImportBatch.objects.create(kind="ledger", file_name="iex", file_sha256="x", file_size=0)
class LineResource(resources.ModelResource):
    customer = fields.Field(attribute="account", column_name="customer",
                            widget=widgets.ForeignKeyWidget(Account, field="code"))
    class Meta:
        model = LedgerLine
        fields = ("customer", "date", "amount_cents", "document", "line", "category")
        import_id_fields = ()
        use_bulk = True
        batch_size = 5000
        skip_diff = True
        force_init_instance = True
    def before_import_row(self, row, **kwargs):
        row["amount_cents"] = round(float(row["amount"]) * 100)
    def before_save_instance(self, instance, row, **kwargs):
        instance.batch_id = batch.pk
        instance.month = instance.date.replace(day=1)
        instance.currency = "CNY"
        instance.original_amount_cents = instance.amount_cents
start = time.perf_counter()  # reading the file is part of importing it, as in kam's time
data = tablib.Dataset().load(open(sys.argv[1]).read(), format="csv")
result = LineResource().import_data(data, dry_run=False, raise_errors=True)
print(time.perf_counter() - start)
"""


FLOOR_COLUMNS = (
    "account_id, batch_id, date, month, document, line, product, category, quantity, "
    "amount_cents, cost_cents, currency, original_amount_cents"
)
SQLITE_FLOOR = """
PRAGMA cache_size = -65536;
ATTACH '{kam}' AS kam;
CREATE TABLE acc AS SELECT id, code FROM kam.accounts_account;
CREATE UNIQUE INDEX acc_code ON acc (code);
{ddl};
BEGIN;
INSERT INTO ledger_ledgerline ({columns})
SELECT a.id, 1, b.date, substr(b.date, 1, 8) || '01', b.document, b.line, '', b.category, NULL,
       CAST(round(b.amount * 100) AS INTEGER), CAST(round(b.cost * 100) AS INTEGER), 'CNY',
       CAST(round(b.amount * 100) AS INTEGER)
FROM bare b JOIN acc a ON a.code = b.customer WHERE true ON CONFLICT DO NOTHING;
COMMIT;
"""
PG_FLOOR = """
CREATE TABLE floor_line (LIKE ledger_ledgerline INCLUDING ALL);
INSERT INTO floor_line ({columns})
SELECT a.id, 1, b.date, date_trunc('month', b.date)::date, b.document, b.line, '', b.category,
       NULL, round(b.amount * 100)::bigint, round(b.cost * 100)::bigint, 'CNY',
       round(b.amount * 100)::bigint
FROM bare b JOIN accounts_account a ON a.code = b.customer ON CONFLICT DO NOTHING;
"""


def store_insert(name: str, work: Path, env: dict[str, str], pg: str | None) -> float:
    """Seconds the store itself takes to put the bare table's rows into kam's ledger table
    (same columns, indexes and unique key), in its own engine with no Python at all: with
    the bare load, the least any importer that keeps kam's table could take."""
    if name == "sqlite":
        kam_db = work / name / "kam.sqlite3"
        ddl = subprocess.run(
            [
                "sqlite3",
                str(kam_db),
                "SELECT group_concat(sql, ';' || char(10)) FROM sqlite_master "
                "WHERE tbl_name = 'ledger_ledgerline' AND sql IS NOT NULL",
            ],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
        script = SQLITE_FLOOR.format(kam=kam_db, ddl=ddl, columns=FLOOR_COLUMNS)
        head, _, timed_part = script.partition("BEGIN;")
        bare = work / "bare.sqlite3"
        subprocess.run(["sqlite3", str(bare)], input=head, text=True, check=True)
        start = time.perf_counter()
        subprocess.run(
            ["sqlite3", str(bare)],
            input="PRAGMA cache_size = -65536; BEGIN;" + timed_part,
            text=True,
            check=True,
        )
        return time.perf_counter() - start
    assert pg is not None
    start = time.perf_counter()
    subprocess.run(
        ["psql", pg, "-q", "-v", "ON_ERROR_STOP=1"],
        input=PG_FLOOR.format(columns=FLOOR_COLUMNS),
        text=True,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return time.perf_counter() - start


def run_store(
    name: str,
    ledger: Path,
    accounts: Path,
    database_urls: tuple[str, str],
    pg: str | None,
    import_export: bool,
    work: Path,
) -> dict[str, float]:
    """kam's import and the bare bulk load; django-import-export into a second database."""
    env = prepare(work / name, database_urls[0], accounts)
    log = work / f"{name}-import.log"
    kam_seconds, peak = timed(
        [KAM, "import", "ledger", str(ledger)], {**env, "KAM_LOG_LEVEL": "DEBUG"}, log
    )
    if name == "sqlite":
        bare = work / "bare.sqlite3"
        subprocess.run(["sqlite3", str(bare), BARE], check=True)
        bare_seconds, _ = timed(
            ["sqlite3", str(bare), f".import --csv --skip 1 {ledger} bare"], env
        )
    else:
        assert pg is not None
        subprocess.run(
            ["psql", pg, "-q", "-c", "DROP TABLE IF EXISTS bare", "-c", BARE], check=True
        )
        bare_seconds, _ = timed(
            ["psql", pg, "-q", "-c", f"\\copy bare FROM '{ledger}' CSV HEADER"], env
        )
    floor_seconds = bare_seconds + store_insert(name, work, env, pg)
    result = {
        **import_profile(log),
        "kam": kam_seconds,
        "bare": bare_seconds,
        "floor": floor_seconds,
        "peak_mib": float(peak),
    }
    if import_export:
        env = prepare(work / f"{name}-iex", database_urls[1], accounts)
        script = work / "iex.py"
        script.write_text(IMPORT_EXPORT)
        output = subprocess.run(
            [
                KAM,
                "shell",
                "--no-imports",
                "-c",
                f"import sys; sys.argv=['x', {str(ledger)!r}]; exec(open({str(script)!r}).read())",
            ],
            env=env,
            check=False,
            capture_output=True,
            text=True,
        )
        if output.returncode:
            sys.exit(f"django-import-export failed:\n{output.stderr[-3000:]}")
        result["import_export"] = float(output.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--accounts", type=int, default=10_000)
    parser.add_argument("--pg", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--skip-import-export", action="store_true")
    parser.add_argument(
        "--stores", default="sqlite,postgresql", help="comma-separated: sqlite, postgresql"
    )
    options = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="kam-bench-"))
    try:
        ledger, accounts = make_files(work, options.lines, options.accounts)
        databases = [f"kam_bench_{os.getpid()}", f"kam_bench_{os.getpid()}_iex"]
        iex = not options.skip_import_export
        stores = options.stores.split(",")
        rows: dict[str, dict[str, float]] = {}
        with scratch_databases(options.pg, databases) as urls:
            pg = (urls[0], urls[1])
            if "sqlite" in stores:
                rows["SQLite"] = run_store("sqlite", ledger, accounts, ("", ""), None, iex, work)
            if "postgresql" in stores:
                rows["PostgreSQL"] = run_store("postgresql", ledger, accounts, pg, pg[0], iex, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"\n{options.lines:,} lines, {options.accounts:,} accounts, {os.cpu_count()} cores\n")
    print(
        "| store | kam import (s) | bare bulk load (s) | kam / bare | store-only floor (s)"
        " | floor / bare | django-import-export (s) | import-export / kam | kam peak RSS (MiB) |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for store, r in rows.items():
        iex = r.get("import_export")
        print(
            f"| {store} | {r['kam']:.1f} | {r['bare']:.1f} | {r['kam'] / r['bare']:.1f}× | "
            f"{r['floor']:.1f} | {r['floor'] / r['bare']:.1f}× | "
            + (f"{iex:.1f} | {iex / r['kam']:.1f}× |" if iex else "not run | — |")
            + f" {r['peak_mib']:.0f} |"
        )
    print(
        "\n| store | kam / floor | "
        + " | ".join(f"{step} (s)" for step in STEPS)
        + " | merge transaction, commit included (s) |"
    )
    print("|---|---|" + "---|" * (len(STEPS) + 1))
    for store, r in rows.items():
        steps = " | ".join(f"{r.get('step_' + step, 0.0):.2f}" for step in STEPS)
        lock = r.get("step_transaction", 0.0)
        print(f"| {store} | {r['kam'] / r['floor']:.2f}× | {steps} | {lock:.2f} |")


if __name__ == "__main__":
    main()
