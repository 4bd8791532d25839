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
