"""Our seven internal departments (S3), present from the first migration on."""

from django.db import migrations

CODES = ["rnd", "manufacturing", "sales", "transport", "finance", "hr", "service"]


def create_departments(apps, schema_editor):
    Department = apps.get_model("org", "Department")
    for code in CODES:
        Department.objects.get_or_create(code=code)


class Migration(migrations.Migration):
    dependencies = [("org", "0001_initial")]
    operations = [migrations.RunPython(create_departments, migrations.RunPython.noop)]
