"""Historical placements: the scheme must fit the destination (``Scheme.countries`` and
``excluded_countries``, seeded by ``placements/migrations/0005``)."""

import pytest
from django.core.exceptions import ValidationError

from lindungi.imports import services
from lindungi.imports.models import ImportRowError
from lindungi.imports.tests.helpers import upload
from lindungi.imports.tests.placement_helpers import placements_csv
from lindungi.placements.models import Scheme
from lindungi.placements.states import scheme_country_problem

pytestmark = pytest.mark.django_db


def test_historical_scheme_must_fit_the_country(admin_user, make_person, agency):
    """Scheme rules (Scheme.countries / excluded_countries): G to G with Korea is the EPS scheme, SSW is
    Japan only; a refused row names the scheme to use."""
    people = [make_person() for _ in range(4)]
    base = {"state": "withdrawn", "state_date": "2019-01-01", "occupation": "8121"}
    rows = [{**base, "nik": people[0].nik, "scheme": "g_to_g", "country": "KR"},        # 2 refused
            {**base, "nik": people[1].nik, "scheme": "g_to_g_korea", "country": "KR"},  # 3 good
            {**base, "nik": people[2].nik, "scheme": "ssw_japan", "country": "TW", "p3mi": agency.sip3mi_number},  # 4
            {**base, "nik": people[3].nik, "scheme": "g_to_g", "country": "JP"}]        # 5 good
    batch = services.import_batch_create(actor=admin_user, uploaded_file=upload(placements_csv(rows)),
                                         kind="placements", mode="historical")
    batch = services.import_batch_run(batch_id=batch.pk)
    assert (batch.imported_rows, batch.error_rows) == (2, 2)
    errors = {e.line: e for e in ImportRowError.objects.filter(batch=batch)}
    assert set(errors) == {2, 4} and {e.field for e in errors.values()} == {"scheme"}
    assert errors[2].message == "The g_to_g scheme does not place workers to KR. Use g_to_g_korea."
    assert errors[2].value == "g_to_g"
    assert "ssw_japan" in errors[4].message and "TW" in errors[4].message


def test_the_rule_is_data():
    korea = Scheme.objects.get(code="g_to_g_korea")
    assert korea.countries == ["KR"] and Scheme.objects.get(code="g_to_g").excluded_countries == ["KR"]
    assert scheme_country_problem(scheme_code="p_to_p", countries=[], excluded_countries=[], iso2="KR") is None
    korea.countries = ["kr"]
    with pytest.raises(ValidationError) as exc:
        korea.full_clean()
    assert "countries" in exc.value.message_dict
