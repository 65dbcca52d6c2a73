"""The base currency and the fiscal year start move to the company settings of org, below the
ledger that stores amounts in that currency; the stored values go with them."""

from django.conf import settings
from django.db import migrations

MOVED = ("currency", "fiscal_year_start_month")


def to_company(apps, schema_editor):
    PortfolioSettings = apps.get_model("portfolio", "PortfolioSettings")
    CompanySettings = apps.get_model("org", "CompanySettings")
    stored = PortfolioSettings.objects.filter(pk=1).values(*MOVED).first()
    seed = {"currency": getattr(settings, "KAM_BASE_CURRENCY", "CNY").strip().upper()}
    CompanySettings.objects.update_or_create(pk=1, defaults=stored or seed)


def to_portfolio(apps, schema_editor):
    PortfolioSettings = apps.get_model("portfolio", "PortfolioSettings")
    CompanySettings = apps.get_model("org", "CompanySettings")
    stored = CompanySettings.objects.filter(pk=1).values(*MOVED).first()
    if stored is not None:
        PortfolioSettings.objects.filter(pk=1).update(**stored)


class Migration(migrations.Migration):
    dependencies = [
        ("org", "0003_company_settings"),
        ("portfolio", "0006_keyproposaldecision"),
    ]

    operations = [
        migrations.RunPython(to_company, to_portfolio),
        migrations.RemoveField(model_name="historicalportfoliosettings", name="currency"),
        migrations.RemoveField(
            model_name="historicalportfoliosettings", name="fiscal_year_start_month"
        ),
        migrations.RemoveField(model_name="portfoliosettings", name="currency"),
        migrations.RemoveField(model_name="portfoliosettings", name="fiscal_year_start_month"),
    ]
