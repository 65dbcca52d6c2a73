from django.db import migrations


def seed(apps, schema_editor):
    from kam.portfolio.playbooks import DEFAULT_PLAYBOOKS

    Playbook = apps.get_model("portfolio", "Playbook")
    Tactic = apps.get_model("portfolio", "Tactic")
    PortfolioSettings = apps.get_model("portfolio", "PortfolioSettings")
    for strategy, (summary, tactics) in DEFAULT_PLAYBOOKS.items():
        playbook, _ = Playbook.objects.get_or_create(strategy=strategy, defaults={"summary": summary})
        if not playbook.tactics.exists():
            Tactic.objects.bulk_create(
                Tactic(playbook=playbook, position=i, text=text) for i, text in enumerate(tactics)
            )
    from django.conf import settings

    PortfolioSettings.objects.get_or_create(
        pk=1, defaults={"currency": getattr(settings, "KAM_BASE_CURRENCY", "CNY")}
    )


class Migration(migrations.Migration):
    dependencies = [("portfolio", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
