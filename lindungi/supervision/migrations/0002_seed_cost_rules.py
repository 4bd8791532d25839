"""The cost components and the legal cost rules (``lindungi.supervision.seed``)."""

from django.db import migrations


def seed(apps, schema_editor):
    from lindungi.supervision.seed import seed as run

    run(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [("supervision", "0001_costs"), ("reference", "0002_data_reference")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop, elidable=False)]
