"""Synthetic, realistic people for demos and benchmarks.

Rows use the bulk-import columns, so demo data and benchmarks go through the same validation and
write path as a real import. NIKs agree with birth date, sex and region, except for a small share
of deliberate legacy mismatches; a small share of rows are near-duplicates of earlier rows.
"""

import random
from collections.abc import Iterator
from datetime import date, timedelta

from lindungi.demo.names import FAMILY, FEMALE, MALE, OLD_SPELLINGS
from lindungi.registry.nik import nik_for

# Province codes weighted by their share of placements (East Java, Central Java, West Java, NTB lead).
PROVINCE_WEIGHTS = {"35": 25, "33": 20, "32": 18, "52": 9, "18": 6, "53": 4, "12": 4, "51": 3, "36": 3,
                    "61": 2, "73": 2, "34": 1, "16": 1, "21": 1, "13": 1}
EDUCATION = (["sd"] * 20 + ["smp"] * 40 + ["sma"] * 32 + ["diploma"] * 5 + ["s1"] * 3)
MARITAL = ["single"] * 45 + ["married"] * 45 + ["divorced"] * 8 + ["widowed"] * 2
RELIGION = ["islam"] * 85 + ["protestant"] * 6 + ["catholic"] * 4 + ["hindu"] * 4 + ["buddhist"] * 1
PASSPORT_OFFICES = ["Kantor Imigrasi Malang", "Kantor Imigrasi Blitar", "Kantor Imigrasi Cilacap",
                    "Kantor Imigrasi Mataram", "Kantor Imigrasi Bandung", "Kantor Imigrasi Cirebon",
                    "Kantor Imigrasi Surabaya", "Kantor Imigrasi Semarang", "Kantor Imigrasi Kupang"]


class PersonRowGenerator:
    def __init__(self, regencies_by_province: dict[str, list[str]], *, seed: int = 2026, today: date | None = None):
        self.rng = random.Random(seed)
        self.today = today or date.today()
        self.regencies = {p: codes for p, codes in regencies_by_province.items() if codes}
        provinces = [p for p in PROVINCE_WEIGHTS if p in self.regencies]
        self.provinces = provinces
        self.weights = [PROVINCE_WEIGHTS[p] for p in provinces]
        self.used_niks: set[str] = set()
        self.sequence: dict[str, int] = {}
        self.passport_counter = 0
        self.recent: list[dict] = []

    def _name(self, sex: str) -> str:
        rng = self.rng
        first = rng.choice(FEMALE if sex == "F" else MALE)
        roll = rng.random()
        if roll < 0.08:
            return first  # single names are common
        if roll < 0.55:
            return f"{first} {rng.choice(FAMILY)}"
        middle = rng.choice(FEMALE if sex == "F" else MALE)
        return f"{first} {middle} {rng.choice(FAMILY)}" if middle != first else f"{first} {rng.choice(FAMILY)}"

    def _nik(self, regency: str, dob: date, sex: str) -> str:
        district = f"{self.rng.randint(1, 20):02d}"
        prefix = f"{regency}{district}{dob.day + (40 if sex == 'F' else 0):02d}{dob:%m}{dob.year % 100:02d}"
        n = self.sequence.get(prefix, 0) + 1
        self.sequence[prefix] = n
        return nik_for(regency_code=regency, district=district, birth_date=dob, sex=sex, sequence=n)

    def row(self) -> dict:
        rng = self.rng
        if self.recent and rng.random() < 0.01:
            return self._near_duplicate(rng.choice(self.recent))
        sex = "F" if rng.random() < 0.62 else "M"  # most placements are women
        age_days = rng.randint(19 * 365, 45 * 365)
        dob = self.today - timedelta(days=age_days)
        province = rng.choices(self.provinces, self.weights)[0]
        regency = rng.choice(self.regencies[province])
        nik = self._nik(regency, dob, sex)
        stated_dob = dob
        if rng.random() < 0.005:  # legacy NIK whose date disagrees with the civil record
            stated_dob = dob + timedelta(days=rng.choice([-2, -1, 1, 3]))
        row = {
            "nik": nik, "full_name": self._name(sex), "sex": sex, "birth_date": stated_dob.isoformat(),
            "birth_place": f"Desa {rng.choice(FAMILY)}",
            "address": f"Dusun {rng.randint(1, 12)} RT {rng.randint(1, 9):02d}/RW {rng.randint(1, 9):02d}",
            "regency_code": regency, "village_code": "", "village_name": "",
            "education": rng.choice(EDUCATION), "marital_status": rng.choice(MARITAL),
            "religion": rng.choice(RELIGION), "phone": f"08{rng.randint(11, 59)}{rng.randint(10_000_000, 99_999_999)}",
            "passport_number": "", "passport_office": "", "passport_issue_date": "", "passport_expiry_date": "",
        }
        if rng.random() < 0.4:
            self.passport_counter += 1
            issued = self.today - timedelta(days=rng.randint(30, 1500))
            row.update(passport_number=f"{rng.choice('ABCEX')}{self.passport_counter:07d}",
                       passport_office=rng.choice(PASSPORT_OFFICES), passport_issue_date=issued.isoformat(),
                       passport_expiry_date=(issued + timedelta(days=3652)).isoformat())
        if len(self.recent) < 500:
            self.recent.append(row)
        elif rng.random() < 0.01:
            self.recent[rng.randrange(500)] = row
        return row

    def _near_duplicate(self, original: dict) -> dict:
        """Same person keyed again: a NIK typo, an old spelling or a title, the same birth date."""
        rng = self.rng
        row = dict(original)
        row["passport_number"] = row["passport_office"] = row["passport_issue_date"] = row["passport_expiry_date"] = ""
        nik = original["nik"]
        for _ in range(20):
            i = rng.randrange(12, 16)
            candidate = nik[:i] + str((int(nik[i]) + 1) % 10) + nik[i + 1 :]
            if candidate not in self.used_niks and candidate[12:] != "0000":
                row["nik"] = candidate
                break
        words = original["full_name"].split()
        words = [OLD_SPELLINGS.get(w, w) for w in words]
        if rng.random() < 0.3:
            words.insert(0, "Hj.")
        row["full_name"] = " ".join(words)
        return row

    def rows(self, count: int) -> Iterator[dict]:
        produced = 0
        while produced < count:
            row = self.row()
            if row["nik"] in self.used_niks:
                continue
            self.used_niks.add(row["nik"])
            produced += 1
            yield row


COLUMNS = ["nik", "full_name", "sex", "birth_date", "birth_place", "address", "regency_code", "village_code",
           "village_name", "education", "marital_status", "religion", "phone", "passport_number",
           "passport_office", "passport_issue_date", "passport_expiry_date"]


# ---------------------------------------------------------------------------------------------
# Placements
# ---------------------------------------------------------------------------------------------

# Scheme shares (domain.md §1.4 and §5): P to P about 80%, then perseorangan, SSW Japan, G to G Korea.
SCHEME_WEIGHTS = {"p_to_p": 80, "perseorangan": 6, "ssw_japan": 4, "g_to_g_korea": 4, "ukps": 2, "g_to_g": 2,
                  "g_to_p": 1, "special": 1}
# Destinations per scheme, weighted (2023: Taiwan 83k, Malaysia 72k, Hong Kong 66k lead), and for each the
# occupations (ISCO-08), weighted, with the employer type they go with.
DESTINATIONS: dict[str, dict[str, int]] = {
    "p_to_p": {"TW": 31, "MY": 27, "HK": 24, "SG": 8, "SA": 4, "BN": 2},
    "perseorangan": {"TW": 25, "MY": 25, "JP": 20, "KR": 10, "SA": 10, "DE": 10},
    "ssw_japan": {"JP": 1},
    "g_to_g_korea": {"KR": 1},
    "ukps": {"MY": 40, "SA": 30, "TW": 30},
    "g_to_g": {"JP": 60, "DE": 40},
    "g_to_p": {"TW": 50, "MY": 50},
    "special": {"TW": 1},
}
OCCUPATIONS: dict[str, list[tuple[str, int, str]]] = {
    "TW": [("5322", 45, "individual"), ("8212", 20, "legal_entity"), ("7223", 15, "legal_entity"),
           ("9329", 10, "legal_entity"), ("6111", 10, "legal_entity")],
    "HK": [("9111", 70, "individual"), ("5322", 30, "individual")],
    "MY": [("9211", 40, "legal_entity"), ("8160", 20, "legal_entity"), ("8212", 20, "legal_entity"),
           ("9111", 20, "individual")],
    "SG": [("9111", 80, "individual"), ("5311", 20, "individual")],
    "SA": [("9112", 50, "legal_entity"), ("5120", 50, "legal_entity")],
    "BN": [("9111", 60, "individual"), ("9112", 40, "legal_entity")],
    "KR": [("8121", 35, "legal_entity"), ("7223", 25, "legal_entity"), ("8212", 20, "legal_entity"),
           ("9329", 20, "legal_entity")],
    "JP": [("5321", 60, "legal_entity"), ("6111", 20, "legal_entity"), ("7212", 20, "legal_entity")],
    "DE": [("5321", 100, "legal_entity")],
}
# States of historical records of a year two or three years back, weighted.
HISTORICAL_STATES = {"working_abroad": 44, "extended": 4, "on_leave": 1, "departed": 1, "returned": 20,
                     "returnee": 13, "repatriated": 2, "deported": 1, "deceased": 0.2, "withdrawn": 7,
                     "failed_medical": 3.5, "failed_departure": 2, "intercepted_nonprocedural": 0.3}
PLACEMENT_COLUMNS = ["legacy_id", "nik", "scheme", "p3mi", "employer", "country", "occupation", "contract_start",
                     "contract_end", "state", "state_date", "departed_on", "returned_on", "medical_issued_on",
                     "medical_number", "opp_issued_on", "epmi_number", "epmi_issued_on"]
_SCHEMES_WITH_P3MI = {"p_to_p", "ssw_japan"}
_LEGAL_ENTITY_ONLY = {"perseorangan", "g_to_p", "ukps", "g_to_g", "g_to_g_korea", "ssw_japan"}


def _pick(rng: random.Random, weights: dict):
    return rng.choices(list(weights), list(weights.values()))[0]


class PlacementRowGenerator:
    """Historical placement rows (the ``import_placements --mode historical`` columns) in realistic
    proportions of scheme, destination, occupation and state, with dates in order and none after
    ``today``. ``employers`` maps ISO2 → [(name, legal_type)]; ``agencies`` lists SIP3MI numbers."""

    def __init__(self, *, employers: dict[str, list[tuple[str, str]]], agencies: list[str], seed: int = 2026,
                 today: date | None = None):
        self.rng = random.Random(seed)
        self.today = today or date.today()
        self.employers = employers
        self.agencies = agencies
        self.sequence = 0

    def scheme(self) -> str:
        return _pick(self.rng, SCHEME_WEIGHTS)

    def destination(self, scheme: str) -> tuple[str, str, str | None]:
        """(country, occupation, employer name or None) fitting the scheme's employer rules."""
        rng = self.rng
        for _attempt in range(20):
            country = _pick(rng, DESTINATIONS[scheme])
            options = OCCUPATIONS[country]
            if scheme in _LEGAL_ENTITY_ONLY:
                options = [o for o in options if o[2] == "legal_entity"] or options
            isco, _weight, legal_type = rng.choices(options, [o[1] for o in options])[0]
            names = [name for name, kind in self.employers.get(country, ()) if kind == legal_type]
            if scheme == "g_to_g_korea" or names or scheme in ("g_to_g", "special", "ukps"):
                return country, isco, (rng.choice(names) if names else None)
        return country, isco, None

    def historical(self, *, nik: str, year: int, scheme: str | None = None, state: str | None = None,
                   agency: str | None = None, birth_date: date | None = None) -> dict:
        rng = self.rng
        scheme = scheme or self.scheme()
        country, isco, employer = self.destination(scheme)
        state = state or _pick(rng, HISTORICAL_STATES)
        registered = date(year, 1, 1) + timedelta(days=rng.randint(0, 364))
        if birth_date is not None:
            registered = max(registered, birth_date + timedelta(days=18 * 366))
        registered = min(registered, self.today - timedelta(days=30))
        self.sequence += 1
        row = dict.fromkeys(PLACEMENT_COLUMNS, "")
        row.update(legacy_id=f"SISKO-{year}-{self.sequence:07d}", nik=nik, scheme=scheme, country=country,
                   occupation=isco, employer=employer or "")
        if scheme in _SCHEMES_WITH_P3MI:
            row["p3mi"] = agency or rng.choice(self.agencies)
        medical = registered + timedelta(days=rng.randint(10, 40))
        departed = medical + timedelta(days=rng.randint(30, 80))
        months = 36 if country in ("KR", "JP", "DE") else 24
        start = departed + timedelta(days=rng.randint(0, 4))
        end = _add_months(start, months) - timedelta(days=1)
        early = state in ("withdrawn", "failed_medical", "failed_departure", "intercepted_nonprocedural")
        if not early and departed > self.today:
            state = "withdrawn"
            early = True
        if early:
            day = min(registered + timedelta(days=rng.randint(7, 90)), self.today)
            row.update(state=state, state_date=day.isoformat())
            if state != "failed_medical" and medical <= day:
                row.update(medical_issued_on=medical.isoformat(), medical_number=f"MCU/{self.sequence:07d}")
            if state in ("failed_departure",):
                row.update(contract_start=start.isoformat(), contract_end=end.isoformat())
            return row
        row.update(contract_start=start.isoformat(), contract_end=end.isoformat(), departed_on=departed.isoformat(),
                   medical_issued_on=medical.isoformat(), medical_number=f"MCU/{self.sequence:07d}",
                   opp_issued_on=(departed - timedelta(days=rng.randint(2, 10))).isoformat(),
                   epmi_number=f"EPMI{year}{self.sequence:08d}",
                   epmi_issued_on=(departed - timedelta(days=rng.randint(1, 5))).isoformat())
        arrived = departed + timedelta(days=rng.randint(1, 5))
        if state in ("returned", "returnee", "repatriated", "deported", "deceased"):
            back = end + timedelta(days=rng.randint(0, 20)) if state in ("returned", "returnee") else \
                departed + timedelta(days=rng.randint(60, max(61, (end - departed).days)))
            if back > self.today:
                state = "working_abroad"
            elif state == "deceased":
                row.update(state=state, state_date=back.isoformat())
                return row
            else:
                row["returned_on"] = back.isoformat()
                day = back + timedelta(days=rng.randint(5, 90)) if state == "returnee" else back
                if day > self.today:
                    day, state = back, ("returned" if state == "returnee" else state)
                row.update(state=state, state_date=day.isoformat())
                return row
        if state == "extended" and end - timedelta(days=30) <= self.today:
            day = end - timedelta(days=rng.randint(10, 30))
        elif state == "on_leave" and arrived + timedelta(days=400) <= self.today:
            day = arrived + timedelta(days=rng.randint(300, 400))
        elif state == "departed":
            day = departed
        else:
            state, day = "working_abroad", arrived
        row.update(state=state, state_date=min(day, self.today).isoformat())
        return row


def _add_months(day: date, months: int) -> date:
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return date(year, month, min(day.day, candidate))
        except ValueError:
            continue
    raise ValueError(day)
