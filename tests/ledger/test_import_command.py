"""`kam import KIND`: one sub-command per registered importer, with that importer's options."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from kam.importing.registry import kinds


def test_every_registered_kind_is_a_sub_command() -> None:
    assert set(kinds()) >= {"ledger", "accounts", "costs", "contacts"}
    for kind in kinds():
        with pytest.raises(SystemExit) as shown:
            call_command("import", kind, "--help", stdout=StringIO())
        assert shown.value.code == 0


@pytest.mark.django_db
def test_an_importers_own_options_belong_to_it_alone(tmp_path, director) -> None:
    path = tmp_path / "contacts.csv"
    path.write_text("account,name\nC1,Li\n")

    with pytest.raises(CommandError, match="no-create-accounts"):
        call_command(
            "import", "contacts", str(path), "--user", director.username, "--no-create-accounts"
        )
