"""Load the reference data shipped in lindungi/reference/data/ (all but villages).

Runs for every new database, test databases included, so it stays fast: about 1,400 rows in a few
bulk statements. Villages (about 84,000 rows) are loaded by ``manage.py load_reference_data --villages``.
Reversing leaves the rows in place: reference rows are referenced from elsewhere and never deleted.
"""

from django.db import migrations


def load(apps, schema_editor):
    from lindungi.reference.loading import load_all

    load_all(lambda name: apps.get_model("reference", name), villages=False)


class Migration(migrations.Migration):

    dependencies = [
        ("reference", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(load, migrations.RunPython.noop, elidable=False),
    ]
