from django.db import migrations


def seed(apps, schema_editor):
    from lindungi.cases.seed import seed as run

    run(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_cases_deadlines_holidays_trc")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
