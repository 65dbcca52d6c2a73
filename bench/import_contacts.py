"""`kam import contacts` at scale: 20,000 contacts over 1,000 accounts with reporting lines
and 36,000 influence links, imported into a fresh kam home, imported again unchanged, and
again with every title changed (the bulk path of issue 17). Prints a Markdown table.

    .venv/bin/python bench/import_contacts.py [--contacts 20000] [--accounts 1000]
        [--stores sqlite,postgresql] [--server postgres://postgres@127.0.0.1:5432]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from benchkit import USER, accounts_csv, kam, prepare, scratch_databases


def contacts_csv(path: Path, contacts: int, accounts: int, title: str) -> None:
    """Each account's people P0…: P0 on top, each Pn reporting to P(n // 3), every one from
    P2 on influencing P0 and P1."""
    per = contacts // accounts
    lines = ["account,name,email,phone,title,reports_to,influences"]
    for account in range(accounts):
        for n in range(per):
            lines.append(
                f"K{account},P{n},p{n}@k{account}.example,+86 1{account:05}{n:05},{title},"
                f"{f'P{n // 3}' if n else ''},{'P0; P1' if n > 1 else ''}"
            )
    path.write_text("\n".join(lines) + "\n")


def run(env: dict[str, str], path: Path) -> float:
    start = time.perf_counter()
    kam(env, "import", "contacts", str(path), "--user", USER)
    return time.perf_counter() - start


def measure(work: Path, store: str, url: str, contacts: int, accounts: int) -> list[str]:
    accounts_file, first, changed = work / "accounts.csv", work / "c1.csv", work / "c2.csv"
    accounts_csv(accounts_file, accounts)
    contacts_csv(first, contacts, accounts, "Engineer")
    contacts_csv(changed, contacts, accounts, "Senior Engineer")
    env = prepare(work / f"home-{store}", url, accounts_file)
    rows = [
        ("first import", run(env, first)),
        ("the same file again (nothing changes)", run(env, first)),
        ("every title changed", run(env, changed)),
    ]
    return [f"| {store} | {what} | {seconds:.1f} |" for what, seconds in rows]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contacts", type=int, default=20_000)
    parser.add_argument("--accounts", type=int, default=1_000)
    parser.add_argument("--stores", default="sqlite,postgresql")
    parser.add_argument("--server", default="postgres://postgres@127.0.0.1:5432")
    args = parser.parse_args()
    stores = args.stores.split(",")
    lines = ["| store | run | seconds (wall, with kam's start) |", "|---|---|---|"]
    with tempfile.TemporaryDirectory(prefix="kam-bench-contacts-") as scratch:
        work = Path(scratch)
        if "sqlite" in stores:
            lines += measure(work, "sqlite", "", args.contacts, args.accounts)
        if "postgresql" in stores:
            with scratch_databases(args.server, ["kam_bench_contacts"]) as (url,):
                lines += measure(work, "postgresql", url, args.contacts, args.accounts)
    print(f"{args.contacts:,} contacts over {args.accounts:,} accounts\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
