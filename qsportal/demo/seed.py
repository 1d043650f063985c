"""Build the demo city: districts, areas and their officers, enterprises with licences, and a user for every role.

Everything is drawn from one `random.Random(seed)`, so the same seed and `as_of` date give the same city.
Rows are generated as plain tuples and written set-based (COPY on PostgreSQL) by `core.bulk.bulk_insert`.
"""

import datetime
import random
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.db import transaction

from accounts.models import User
from accounts.roles import Role
from analysis.services import result_summary_refresh
from core.audit import audit_chain_reseal
from core.bulk import bulk_insert, history_baseline
from enterprises.choices import EnterpriseStatus, LicenceKind, Scale
from enterprises.credit_code import build_credit_code
from enterprises.models import IDENTITY_FIELDS, District, Enterprise, Industry, Licence, ResponsibilityArea
from qsportal.demo import city
from qsportal.demo.brands import seed_brands
from qsportal.demo.complaints import seed_complaints
from qsportal.demo.credit import seed_credit
from qsportal.demo.equipment import seed_equipment
from qsportal.demo.files import seed_enterprise_files
from qsportal.demo.metrology import seed_metrology
from qsportal.demo.spot_checks import seed_spot_checks
from qsportal.demo.standards import seed_standards

DEMO_PASSWORD = "QsDemo-2026"
LICENCE_FIELDS = ("enterprise", "kind", "number", "scope", "issued_on", "expires_on")
STAFF_COUNTS = {Role.LEADER: 1, Role.INSPECTOR: 12, Role.LAB_TECHNICIAN: 3, Role.ADMIN: 1}
EXPERT_COUNT = 6  # the quality-award panel: enough for five scores per application and a stand-in for a recusal
USERNAMES = {
    Role.LEADER: "leader",
    Role.SUPERVISOR: "supervisor",
    Role.INSPECTOR: "inspector",
    Role.LAB_TECHNICIAN: "lab",
    Role.ENTERPRISE: "enterprise",
    Role.ADMIN: "admin",
    Role.EXPERT: "expert",
}


@dataclass(frozen=True)
class SeedResult:
    districts: int
    areas: int
    enterprises: int
    licences: int
    users: int
    accounts: list[tuple[str, str, str]]  # (role label, username, full name): one demo account per role


def demo_is_seeded() -> bool:
    return District.objects.exists()


def demo_accounts() -> list[tuple[str, str, str]]:
    """The first account of each role, as printed for people trying the portal."""
    accounts = []
    for role, label in Role.choices:
        user = User.objects.filter(username=USERNAMES[role]).first()
        if user:
            accounts.append((str(label), user.username, user.get_full_name()))
    return accounts


class _CityBuilder:
    def __init__(self, *, seed: int, as_of: datetime.date):
        self.rng = random.Random(seed)
        self.as_of = as_of
        self.password = make_password(DEMO_PASSWORD)
        self.used_names: set[str] = set()
        self.licence_counter = 0

    def person_name(self) -> str:
        given = "".join(self.rng.choice(city.GIVEN) for _ in range(self.rng.choice((1, 2, 2))))
        return self.rng.choice(city.SURNAMES) + given

    def established_on(self) -> datetime.date:
        """Most enterprises have traded for years; a few are new (not yet eligible for brand honours)."""
        return self.as_of - datetime.timedelta(
            days=self.rng.choice((200, 700)) if self.rng.random() < 0.08 else self.rng.randrange(3 * 365 + 30, 30 * 365)
        )

    def user(self, role: str, number: int, **extra) -> User:
        base = USERNAMES[role]
        return User(
            username=base if number == 1 else f"{base}{number}",
            full_name=self.person_name(),
            role=role,
            password=self.password,
            is_staff=role == Role.ADMIN,
            **extra,
        )

    def enterprise_name(self, district_name: str, industry_code: str, scale: str) -> str:
        prefixes = [city.CITY, "岳阳", "湖南", district_name]
        for _attempt in range(20):
            brand = "".join(self.rng.sample(city.BRAND_CHARS, 2))
            word = self.rng.choice(city.INDUSTRY_WORDS.get(industry_code, ["实业"]))
            form = (
                city.FORMS[2] if scale == Scale.ABOVE and self.rng.random() < 0.3 else city.FORMS[self.rng.randrange(2)]
            )
            name = f"{self.rng.choice(prefixes)}{brand}{word}{form}"
            if name not in self.used_names:
                break
        else:
            name = f"{name[: -len(form)]}{len(self.used_names)}{form}"
        self.used_names.add(name)
        return name

    def address(self, district_name: str, town: str) -> str:
        return f"{city.CITY}{district_name}{town}{self.rng.choice(city.ROADS)}{self.rng.randint(1, 999)}号"

    def licence(self, enterprise_id: int, kind: str, scope: str, division: str) -> tuple:
        self.licence_counter += 1
        n = self.licence_counter
        years = city.VALIDITY_YEARS[kind]
        # Issue dates spread so that some licences are current, some expire soon and a few have lapsed.
        issued_on = self.as_of - datetime.timedelta(days=self.rng.randint(0, years * 365 + 120))
        if kind == LicenceKind.MEASURING_INSTRUMENT:  # abolished in 2017: only older ones are on file
            issued_on = _add_years(issued_on, min(0, 2016 - issued_on.year))
        expires_on = _add_years(issued_on, years)
        if kind == LicenceKind.FOOD_PRODUCTION:
            number = f"SC{self.rng.randint(101, 131)}{division}{n:05d}"
        elif kind == LicenceKind.INDUSTRIAL_PRODUCT:
            number = f"{city.PROVINCE_SHORT}XK{self.rng.randint(1, 30):02d}-{self.rng.randint(1, 40):03d}-{n:05d}"
        elif kind == LicenceKind.CCC:
            number = f"{issued_on.year}{self.rng.randint(1, 20):02d}{n:010d}"
        elif kind == LicenceKind.SPECIAL_EQUIPMENT:
            number = f"TS{self.rng.randint(21, 24)}43{n:05d}-{expires_on.year}"
        elif kind == LicenceKind.MEASURING_INSTRUMENT:
            number = f"{city.PROVINCE_SHORT}制{issued_on.year}{n:05d}号"
        else:
            number = f"{self.rng.randint(1, 999):03d}{issued_on:%y}Q{n:05d}R{self.rng.randint(0, 3)}M"
        return (enterprise_id, kind, number, scope, issued_on, expires_on)

    def licences_for(self, enterprise_id: int, scale: str, industry_code: str, division: str) -> list[tuple]:
        held = []
        profile = city.LICENCE_PROFILES.get(industry_code, [])
        for kind, chance, scopes in profile:
            if self.rng.random() < chance:
                held.append(self.licence(enterprise_id, kind, self.rng.choice(scopes), division))
        # A below-scale enterprise is on file only because it holds one of the five licences.
        if scale == Scale.BELOW and not held:
            kind, _chance, scopes = profile[0]
            held.append(self.licence(enterprise_id, kind, self.rng.choice(scopes), division))
        iso_chance = 0.4 if scale == Scale.ABOVE else 0.15
        if self.rng.random() < iso_chance:
            held.append(self.licence(enterprise_id, LicenceKind.ISO_9001, city.ISO_SCOPE, division))
        return held


def _add_years(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


@transaction.atomic
def seed_demo_city(*, seed: int, enterprises: int, as_of: datetime.date, enterprise_accounts: int = 20) -> SeedResult:
    """Create the whole demo city in one transaction. Call on an empty register."""
    builder = _CityBuilder(seed=seed, as_of=as_of)
    rng = builder.rng

    districts = District.objects.bulk_create(District(code=code, name=name) for code, name, _towns in city.DISTRICTS)
    staff = [builder.user(role, n) for role, count in STAFF_COUNTS.items() for n in range(1, count + 1)]
    supervisors = [builder.user(Role.SUPERVISOR, n) for n in range(1, len(districts) + 1)]
    User.objects.bulk_create(staff + supervisors)

    areas_by_district: dict[int, list[tuple[ResponsibilityArea, str]]] = {}
    area_rows = []
    for district, supervisor, (_code, _name, towns) in zip(districts, supervisors, city.DISTRICTS, strict=True):
        for town in towns:
            area = ResponsibilityArea(district=district, name=town, officer=supervisor)
            area_rows.append(area)
            areas_by_district.setdefault(district.pk, []).append((area, town))
    ResponsibilityArea.objects.bulk_create(area_rows)

    industries = list(Industry.objects.order_by("code"))
    licensable = [industry for industry in industries if industry.code in city.LICENCE_PROFILES]
    weights = [city.INDUSTRY_WEIGHTS.get(industry.code, 1) for industry in industries]
    licensable_weights = [city.INDUSTRY_WEIGHTS.get(industry.code, 1) for industry in licensable]
    organisation_bases = rng.sample(range(10_000_000, 100_000_000), enterprises)

    statuses = [EnterpriseStatus.ACTIVE, EnterpriseStatus.SUSPENDED, EnterpriseStatus.CLOSED]
    enterprise_rows, facts = [], []  # facts: what the licences are drawn from
    for organisation_base in organisation_bases:
        district = rng.choice(districts)
        area, town = rng.choice(areas_by_district[district.pk])
        scale = Scale.ABOVE if rng.random() < 0.3 else Scale.BELOW
        if scale == Scale.ABOVE:
            industry = rng.choices(industries, weights)[0]
        else:
            industry = rng.choices(licensable, licensable_weights)[0]
        enterprise_rows.append(
            (
                builder.enterprise_name(district.name, industry.code, scale),
                build_credit_code(division_code=district.code, organisation_base=str(organisation_base)),
                builder.person_name(),
                builder.address(district.name, town),
                district.pk,
                area.pk,
                industry.pk,
                scale,
                builder.established_on(),
                rng.choices(statuses, [95, 3, 2])[0],
            )
        )
        facts.append((scale, industry.code, district.code))
    enterprise_ids = bulk_insert(Enterprise, IDENTITY_FIELDS, enterprise_rows)

    licence_rows = []
    for enterprise_id, (scale, industry_code, division) in zip(enterprise_ids, facts, strict=True):
        licence_rows.extend(builder.licences_for(enterprise_id, scale, industry_code, division))
    bulk_insert(Licence, LICENCE_FIELDS, licence_rows)
    # Bulk loading bypasses the change history: give each file and licence its "created" entry, so later edits
    # show their values before and after.
    for model in (Enterprise, Licence):
        history_baseline(model, reason="demo city")

    enterprise_users = [
        builder.user(Role.ENTERPRISE, n, enterprise_id=enterprise_id)
        for n, enterprise_id in enumerate(enterprise_ids[:enterprise_accounts], start=1)
    ]
    User.objects.bulk_create(enterprise_users)
    seed_enterprise_files(rng=rng, as_of=as_of)
    seed_spot_checks(rng=rng, seed=seed, as_of=as_of)
    seed_credit(rng=rng, as_of=as_of)
    # The expert reviewers are drawn after the city, so adding them left every earlier draw of a seed unchanged.
    User.objects.bulk_create(builder.user(Role.EXPERT, n) for n in range(1, EXPERT_COUNT + 1))
    seed_brands(rng=rng, as_of=as_of, password=builder.password)
    seed_complaints(rng=rng, as_of=as_of)
    seed_standards(rng=rng, as_of=as_of, password=builder.password)
    seed_equipment(rng=random.Random(seed), as_of=as_of, password=builder.password)
    seed_metrology(rng=rng, as_of=as_of, password=builder.password)
    audit_chain_reseal()  # the story was dated back after it was written: seal the audit chain as it now reads
    result_summary_refresh()  # the dashboard's pass rates, as the half-hourly task would

    return SeedResult(
        districts=len(districts),
        areas=len(area_rows),
        enterprises=len(enterprise_rows),
        licences=len(licence_rows),
        users=User.objects.count(),
        accounts=demo_accounts(),
    )
