from datetime import date

from lindungi.registry.nik import nik_for
from lindungi.registry.services import person_create

_counter = {"n": 0}


def person_data(*, regency="3201", birth_date=date(1995, 4, 21), sex="F", full_name="Siti Aminah", sequence=None,
                **extra) -> dict:
    if sequence is None:
        _counter["n"] += 1
        sequence = _counter["n"]
    data = {
        "nik": nik_for(regency_code=regency, district="01", birth_date=birth_date, sex=sex, sequence=sequence),
        "full_name": full_name, "sex": sex, "birth_date": birth_date.isoformat(), "birth_place": "Bogor",
        "address": "Kp. Sukamaju RT 01/02", "regency_code": regency, "education": "smp",
        "marital_status": "married", "religion": "islam", "phone": "081234567890",
    }
    data.update(extra)
    return data


def make_person(actor, **kwargs):
    passport = kwargs.pop("passport", None)
    agency = kwargs.pop("agency_public_id", None)
    person, _ = person_create(actor=actor, data=person_data(**kwargs), passport=passport, agency_public_id=agency,
                              via="test")
    return person
