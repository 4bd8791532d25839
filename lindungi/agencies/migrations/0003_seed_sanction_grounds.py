from django.db import migrations


def forwards(apps, schema_editor):
    from lindungi.agencies.sanction_seed import seed

    seed(apps.get_model("agencies", "SanctionGround"), apps.get_model("agencies", "DepositRule"))


class Migration(migrations.Migration):
    dependencies = [("agencies", "0002_sanctions_and_drawdowns")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
