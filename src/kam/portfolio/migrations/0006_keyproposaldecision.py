"""KeyProposal stores the director's decisions, so it is named for them (history table too)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("portfolio", "0005_monthly_history"),
    ]

    operations = [
        migrations.RenameModel("KeyProposal", "KeyProposalDecision"),
        migrations.RenameModel("HistoricalKeyProposal", "HistoricalKeyProposalDecision"),
        migrations.AlterField(
            model_name="keyproposaldecision",
            name="account",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="key_proposal_decisions",
                to="accounts.account",
                verbose_name="account",
            ),
        ),
    ]
