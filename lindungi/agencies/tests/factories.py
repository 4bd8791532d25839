import datetime

import factory

from lindungi.agencies.models import Agency


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency

    legal_name = factory.Sequence(lambda n: f"PT Karya Mandiri Sejahtera {n}")
    sip3mi_number = factory.Sequence(lambda n: f"B.{n:04d}/KA/2024")
    licence_issued_on = datetime.date(2024, 1, 15)
    licence_expires_on = datetime.date(2029, 1, 14)
    head_office_regency = factory.LazyFunction(lambda: __import__(
        "lindungi.reference.models", fromlist=["Regency"]).Regency.objects.get(code="3171"))
    paid_up_capital = 5_000_000_000
    deposit_bank = "Bank Negara Indonesia"
    deposit_amount = 1_500_000_000
    deposit_holder = "Menteri P2MI q.q. P3MI"
