"""A fictional but realistic government for demonstrations and benchmarks.

At scale 1 the demo reaches the figures of the tool it replaces: some 400
users in 50 entities, 2,600 objectives, 8,000 projects, 1,000 indicators,
140 programmes, 2,800 processes and more than 200 lenses, with three years of
quarterly status history. Everything is inserted in bulk, and everything
follows from the seed and the reference date.
"""

import datetime
import random
import uuid
from collections import Counter, defaultdict
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone, translation
from guardian.models import UserObjectPermission

from objectives import actions
from objectives.cascades import code_key
from objectives.demo import vocabulary as words
from objectives.demo.organisations import demo_entities, domain_of, load_organisations
from objectives.models import (
    BudgetAmount,
    BudgetArticle,
    Change,
    Confidentiality,
    Indicator,
    Legislature,
    LegislatureTransition,
    Lens,
    LensEntry,
    Measurement,
    Membership,
    Milestone,
    Objective,
    ObjectiveSuccession,
    Organisation,
    Person,
    Process,
    Programme,
    Project,
    ReportingFrequency,
    StatusReport,
    StructureElement,
    Target,
    User,
)
from objectives.periods import QUARTERLY, YEARLY, Period

DEMO_PASSWORD = "traject-demo"
# The demo accounts' subjects at the OpenID Connect stand-in (its identities
# are in data/sso_identities.json).
DEMO_SUBJECT_PREFIX = "demo-"

# The figures at scale 1, and the least of each at any scale.
FIGURES = {
    "entities": (50, 3),
    "users": (400, 24),
    "objectives": (2600, 60),
    "projects": (8000, 90),
    "processes": (2800, 30),
    "indicators": (1000, 20),
    "programmes": (140, 6),
    "structure_elements": (150, 10),
    "transversal_plans": (12, 10),
}
ROLE_WEIGHTS = [
    (Membership.Role.READER, 70),
    (Membership.Role.CONTRIBUTOR, 22),
    (Membership.Role.ADMINISTRATOR, 8),
]
STATUS_QUARTERS = 12
BATCH_SIZE = 2000


def figure(name, scale):
    full, least = FIGURES[name]
    return max(least, round(full * scale))


class DemoBuilder:
    """Builds the demo in one transaction; ``counts`` says what it made."""

    def __init__(self, *, scale=1.0, seed=1, reference_date=None):
        self.scale = scale
        self.random = random.Random(seed)
        self.today = reference_date or timezone.localdate()
        self.counts = Counter()
        self.logins = []
        self.grants = defaultdict(lambda: defaultdict(list))
        # Five full years of measurements, up to last year.
        self.first_measured_year = self.today.year - 5

    # Helpers ------------------------------------------------------------

    def chance(self, probability):
        return self.random.random() < probability

    def pick(self, items):
        return items[self.random.randrange(len(items))]

    def sample(self, items, count):
        return self.random.sample(items, min(count, len(items)))

    def save(self, model, objects, *, history=False):
        if any(field.name == "public_id" for field in model._meta.fields):
            # Drawn from the seed, so that the same seed gives the same URLs.
            for obj in objects:
                obj.public_id = uuid.UUID(int=self.random.getrandbits(128), version=4)
        if history:
            created = actions.bulk_create_with_history(
                model, objects, acting_user=None, batch_size=BATCH_SIZE
            )
        else:
            created = model.objects.bulk_create(objects, batch_size=BATCH_SIZE)
        with translation.override("en"):
            self.counts[str(model._meta.verbose_name_plural)] += len(created)
        return created

    def save_links(self, through, rows, label):
        through.objects.bulk_create(rows, batch_size=BATCH_SIZE)
        self.counts[label] += len(rows)

    def date_between(self, start, end):
        return start + datetime.timedelta(
            days=self.random.randint(0, (end - start).days)
        )

    # The whole build ----------------------------------------------------

    @transaction.atomic
    def build(self):
        by_ovo = load_organisations()
        self.counts["organisations"] = len(by_ovo)
        self.root = by_ovo["OVO000001"]
        self.by_ovo = by_ovo
        self.entities = demo_entities(
            by_ovo, figure("entities", self.scale), self.today
        )
        self.counts["entities with cascades"] = len(self.entities)

        self.make_legislatures()
        self.make_people()
        self.make_budget()
        self.make_objectives()
        self.make_projects()
        self.make_processes()
        self.make_indicators()
        self.make_programmes()
        self.make_lenses()
        self.make_status_history()
        self.make_grants()
        self.make_transition()
        self.counts["change history rows"] = Change.objects.count()
        return self.counts

    def make_legislatures(self):
        self.previous_legislature, self.legislature = self.save(
            Legislature,
            [
                Legislature(
                    name="2019–2024",
                    start_date=datetime.date(2019, 10, 2),
                    end_date=datetime.date(2024, 9, 30),
                ),
                Legislature(
                    name="2024–2029",
                    start_date=datetime.date(2024, 10, 1),
                    end_date=datetime.date(2029, 9, 30),
                ),
            ],
        )

    # People -------------------------------------------------------------

    def make_people(self):
        user_count = figure("users", self.scale)
        person_count = round(user_count * 1.25)
        password = make_password(DEMO_PASSWORD) if settings.DEBUG else None
        people, users = [], []
        for index in range(person_count):
            first = self.pick(words.FIRST_NAMES)
            last = self.pick(words.LAST_NAMES)
            number = f"{100001 + index:06d}"
            local = f"{first}.{last}".lower().replace(" ", "")
            people.append(
                Person(
                    personnel_number=number,
                    first_name=first,
                    last_name=last,
                    email=f"{local}.{number}@traject.example",
                )
            )
            if index < user_count:
                users.append(
                    User(
                        username=f"u{number}",
                        first_name=first,
                        last_name=last,
                        email=people[-1].email,
                        password=password or make_password(None),
                    )
                )
        users.extend(self.demo_users(password))
        users = self.save(User, users)
        for person, user in zip(people, users[:user_count], strict=False):
            person.user = user
        self.people = self.save(Person, people)
        self.demo_accounts = users[user_count:]
        self.place_people()

    def demo_account_names(self):
        """(username, entity, role, is global administrator) of each demo login."""
        accounts = []
        for entity in self.entities[:2]:
            tag = entity.short_name.lower()
            for role, word in [
                (Membership.Role.READER, "lezer"),
                (Membership.Role.CONTRIBUTOR, "invoerder"),
                (Membership.Role.ADMINISTRATOR, "beheerder"),
            ]:
                accounts.append((f"{word}.{tag}", entity, role, False))
        accounts.append(
            ("coordinator", self.entities[0], Membership.Role.READER, False)
        )
        accounts.append(("centraal", None, None, True))
        return accounts

    def demo_users(self, password):
        """Named accounts for trying every role; listed by ``logins``."""
        accounts = self.demo_account_names()
        self.demo_roles = accounts
        return [
            User(
                username=username,
                first_name=username.split(".")[0].capitalize(),
                last_name=entity.short_name if entity else "Centraal",
                is_global_admin=is_global,
                is_staff=is_global,
                password=password or make_password(None),
                oidc_subject=f"{DEMO_SUBJECT_PREFIX}{username}",
            )
            for username, entity, role, is_global in accounts
        ]

    def place_people(self):
        """Memberships: each person in a home entity, some in a second one."""
        self.staff = defaultdict(list)
        memberships = []
        roles, weights = zip(*ROLE_WEIGHTS, strict=True)
        for index, person in enumerate(self.people):
            entity = self.entities[index % len(self.entities)]
            self.staff[entity.pk].append(person)
            if person.user_id is None:
                continue
            role = self.random.choices(roles, weights)[0]
            if index < 2 * len(self.entities):
                # Every entity gets a contributor and an administrator.
                role = [Membership.Role.CONTRIBUTOR, Membership.Role.ADMINISTRATOR][
                    index // len(self.entities)
                ]
            memberships.append(
                Membership(
                    person=person,
                    organisation=entity,
                    role=role,
                    source=Membership.Source.HR,
                    start_date=datetime.date(2020, 1, 1),
                )
            )
            if self.chance(0.1):
                other = self.pick(self.entities)
                if other != entity:
                    memberships.append(
                        Membership(
                            person=person,
                            organisation=other,
                            role=Membership.Role.READER,
                        )
                    )
        memberships.extend(self.demo_memberships())
        self.save(Membership, memberships)

    def demo_memberships(self):
        memberships = []
        next_number = 100001 + len(self.people)
        demo_people = []
        for (username, entity, role, _), user in zip(
            self.demo_roles, self.demo_accounts, strict=True
        ):
            demo_people.append(
                Person(
                    personnel_number=f"{next_number:06d}",
                    first_name=user.first_name,
                    last_name=user.last_name,
                    email=f"{username}@traject.example",
                    user=user,
                )
            )
            next_number += 1
            self.logins.append((username, role or "global administrator", entity))
        demo_people = self.save(Person, demo_people)
        for (_, entity, role, _), person in zip(
            self.demo_roles, demo_people, strict=True
        ):
            if entity is not None:
                memberships.append(
                    Membership(person=person, organisation=entity, role=role)
                )
                self.staff[entity.pk].insert(0, person)
        self.coordinator = demo_people[-2]
        return memberships

    def responsible_in(self, entity):
        # Mostly people with an account, as in a real entity.
        staff = self.staff[entity.pk]
        with_account = [person for person in staff if person.user_id]
        if with_account and self.chance(0.85):
            return self.pick(with_account)
        return self.pick(staff)

    # Budget ---------------------------------------------------------------

    def make_budget(self):
        domains = sorted({domain_of(entity.ovo_number) for entity in self.entities})
        count = figure("structure_elements", self.scale)
        elements = []
        for index in range(count):
            domain = self.by_ovo[domains[index % len(domains)]]
            theme = self.pick(
                words.DOMAIN_THEMES.get(domain.ovo_number, words.GENERAL_THEMES)
            )
            elements.append(
                StructureElement(
                    code=f"SE-{domain.short_name}-{index + 1:03d}",
                    title=f"{theme.capitalize()} ({index + 1})",
                    policy_domain=domain,
                )
            )
        self.structure_elements = self.save(StructureElement, elements, history=True)
        self.elements_by_domain = defaultdict(list)
        for element in self.structure_elements:
            self.elements_by_domain[element.policy_domain_id].append(element)

        articles = [
            BudgetArticle(
                code=f"{element.code[3:].replace('-', '')}-{suffix}",
                title=f"{element.title}: {label}",
            )
            for element in self.structure_elements
            for suffix, label in [("WT", "werkingskredieten"), ("IS", "subsidies")]
            if suffix == "WT" or self.chance(0.3)
        ]
        articles = self.save(BudgetArticle, articles, history=True)
        through = BudgetArticle.structure_elements.through
        by_code = {element.code[3:].replace("-", ""): element for element in elements}
        self.save_links(
            through,
            [
                through(
                    budgetarticle_id=article.pk,
                    structureelement_id=by_code[article.code[:-3]].pk,
                )
                for article in articles
            ],
            "budget article links",
        )
        self.save(
            BudgetAmount,
            [
                BudgetAmount(
                    article=article,
                    year=year,
                    amount=Decimal(self.random.randrange(50, 50_000) * 1000),
                )
                for article in articles
                for year in range(2024, 2028)
            ],
        )

    # Objectives -----------------------------------------------------------

    def objective(self, entity, code, title, level, parent, legislature):
        return Objective(
            code=code,
            title=title,
            description=f"{title}. Uitgewerkt in het ondernemingsplan van "
            f"{entity.name}.",
            level=level,
            parent=parent,
            legislature=legislature,
            lead_organisation=entity,
            responsible=self.responsible_in(entity),
            confidentiality=self.confidentiality(),
            reporting_frequency=self.frequency(),
        )

    def confidentiality(self):
        roll = self.random.random()
        if roll < 0.03:
            return Confidentiality.CONFIDENTIAL
        if roll < 0.13:
            return Confidentiality.PUBLIC
        return Confidentiality.INTERNAL

    @staticmethod
    def public_every_tenth(number):
        """Every tenth process and programme is public, without a draw, so
        that the rest of a seed stays as it was."""
        if number % 10 == 1:
            return Confidentiality.PUBLIC
        return Confidentiality.INTERNAL

    def frequency(self):
        roll = self.random.random()
        if roll < 0.15:
            return ReportingFrequency.YEARLY
        return ReportingFrequency.QUARTERLY

    def themes_of(self, entity):
        return (
            words.DOMAIN_THEMES.get(domain_of(entity.ovo_number), words.GENERAL_THEMES)
            + words.GENERAL_THEMES
        )

    def make_objectives(self):
        per_entity = figure("objectives", self.scale) // len(self.entities)
        strategic = []
        for entity in self.entities:
            for number in range(1, max(2, per_entity // 7) + 1):
                legislature = (
                    self.previous_legislature if self.chance(0.1) else self.legislature
                )
                theme = self.pick(self.themes_of(entity))
                title = f"{self.pick(words.STRATEGIC_VERBS)} {theme}"
                item = self.objective(
                    entity, f"SD {number}", title, "strategic", None, legislature
                )
                domain_elements = self.elements_by_domain.get(entity.parent_id, [])
                if domain_elements:
                    item.structure_element = self.pick(domain_elements)
                strategic.append(item)
        strategic = self.save(Objective, strategic, history=True)
        operational = self.make_operational(strategic, per_entity)
        self.objectives = strategic + operational
        self.strategic = strategic
        self.operational = operational
        self.link_objective_organisations()

    def make_operational(self, strategic, per_entity):
        by_entity = defaultdict(list)
        for item in strategic:
            by_entity[item.lead_organisation_id].append(item)
        second, third = [], []
        entities = {entity.pk: entity for entity in self.entities}
        for entity_id, parents in by_entity.items():
            entity = entities[entity_id]
            wanted = per_entity - len(parents)
            level_three = wanted // 5
            for index in range(wanted - level_three):
                parent = parents[index % len(parents)]
                number = index // len(parents) + 1
                theme = self.pick(self.themes_of(entity))
                title = f"{self.pick(words.OPERATIONAL_VERBS)} {theme}"
                second.append(
                    self.objective(
                        entity,
                        f"OD {parent.code[3:]}.{number}",
                        title,
                        "operational",
                        parent,
                        parent.legislature,
                    )
                )
            third.append((entity, level_three))
        second = self.save(Objective, second, history=True)
        by_entity_second = defaultdict(list)
        for item in second:
            by_entity_second[item.lead_organisation_id].append(item)
        deeper = []
        for entity, count in third:
            parents = by_entity_second[entity.pk]
            for index in range(count):
                parent = parents[index % len(parents)]
                number = index // len(parents) + 1
                title = f"{self.pick(words.OPERATIONAL_VERBS)} "
                title += self.pick(self.themes_of(entity))
                deeper.append(
                    self.objective(
                        entity,
                        f"{parent.code}.{number}",
                        title,
                        "operational",
                        parent,
                        parent.legislature,
                    )
                )
        return second + self.save(Objective, deeper, history=True)

    def link_objective_organisations(self):
        through = Objective.organisations.through
        rows = []
        for item in self.objectives:
            rows.append(
                through(objective_id=item.pk, organisation_id=item.lead_organisation_id)
            )
            if item.level == "operational" and self.chance(0.05):
                other = self.pick(self.entities)
                if other.pk != item.lead_organisation_id:
                    rows.append(through(objective_id=item.pk, organisation_id=other.pk))
        self.save_links(through, rows, "objective organisations")

        contributions = Objective.contributes_to.through
        operational = self.operational
        pairs = set()
        for item in operational:
            if self.chance(0.03):
                target = self.pick(operational)
                if target.pk != item.pk:
                    pairs.add((item.pk, target.pk))
        self.save_links(
            contributions,
            [
                contributions(from_objective_id=source, to_objective_id=target)
                for source, target in sorted(pairs)
            ],
            "objective contributions",
        )
        self.responsibilities(Objective, self.objectives)

    def responsibilities(self, model, components):
        for component in components:
            person = component.responsible
            if person is not None and person.user_id:
                self.grants[model][component.pk].append(person.user_id)

    def organisation_rows(self, model, components, extra=None):
        through = model.organisations.through
        column = f"{model._meta.model_name}_id"
        rows = []
        for component in components:
            organisation_ids = [component.lead_organisation_id]
            organisation_ids += (extra or {}).get(component.pk, [])
            rows.extend(
                through(**{column: component.pk}, organisation_id=organisation_id)
                for organisation_id in dict.fromkeys(organisation_ids)
            )
        self.save_links(through, rows, f"{model._meta.model_name} organisations")

    def operational_by_entity(self):
        grouped = defaultdict(list)
        for item in self.operational:
            if item.legislature_id == self.legislature.pk:
                grouped[item.lead_organisation_id].append(item)
        return grouped

    # Projects and milestones ----------------------------------------------

    def make_projects(self):
        per_entity = figure("projects", self.scale) // len(self.entities)
        projects = []
        for entity in self.entities:
            for number in range(1, per_entity + 1):
                start = self.date_between(
                    self.today - datetime.timedelta(days=4 * 365),
                    self.today - datetime.timedelta(days=60),
                )
                end = start + datetime.timedelta(days=30 * self.random.randint(6, 48))
                theme = self.pick(self.themes_of(entity))
                title = f"{self.pick(words.PROJECT_KINDS)} {theme}"
                projects.append(
                    Project(
                        code=f"P{number:04d}",
                        title=title,
                        description=f"{title}, getrokken door {entity.name}.",
                        lead_organisation=entity,
                        responsible=self.responsible_in(entity),
                        confidentiality=self.confidentiality(),
                        reporting_frequency=self.frequency(),
                        start_date=start,
                        end_date=end,
                    )
                )
        self.projects = self.save(Project, projects, history=True)
        self.organisation_rows(Project, self.projects)
        self.responsibilities(Project, self.projects)
        self.link_projects()
        self.make_milestones()

    def link_projects(self):
        by_entity = self.operational_by_entity()
        links, members = set(), []
        member_through = Project.members.through
        for project in self.projects:
            candidates = by_entity[project.lead_organisation_id]
            for objective in self.sample(candidates, 1 if self.chance(0.8) else 2):
                links.add((objective.pk, project.pk))
            team = self.sample(
                self.staff[project.lead_organisation_id], self.random.randint(1, 4)
            )
            project.team = team
            for person in team:
                members.append(
                    member_through(project_id=project.pk, person_id=person.pk)
                )
                if person.user_id:
                    self.grants[Project][project.pk].append(person.user_id)
        through = Objective.projects.through
        self.save_links(
            through,
            [through(objective_id=o, project_id=p) for o, p in sorted(links)],
            "objective–project links",
        )
        self.save_links(member_through, members, "project members")

    def make_milestones(self):
        milestones = []
        for project in self.projects:
            count = self.random.randint(3, 8)
            span = (project.end_date - project.start_date).days
            titles = sorted(
                self.sample(words.MILESTONE_TITLES, count),
                key=words.MILESTONE_TITLES.index,
            )
            for index, title in enumerate(titles, start=1):
                due = project.start_date + datetime.timedelta(
                    days=span * index // count
                )
                done = due < self.today and self.chance(0.85)
                completed = due + datetime.timedelta(days=self.random.randint(-20, 30))
                milestones.append(
                    Milestone(
                        project=project,
                        code=f"M{index}",
                        title=title,
                        due_date=due,
                        assignee=self.pick(project.team) if self.chance(0.6) else None,
                        completed_on=min(completed, self.today) if done else None,
                    )
                )
        self.milestones = self.save(Milestone, milestones, history=True)
        for milestone in self.milestones:
            if milestone.assignee is not None and milestone.assignee.user_id:
                self.grants[Milestone][milestone.pk].append(milestone.assignee.user_id)

    # Processes and indicators -----------------------------------------------

    def make_processes(self):
        per_entity = figure("processes", self.scale) // len(self.entities)
        processes = []
        for entity in self.entities:
            for number in range(1, per_entity + 1):
                theme = self.pick(self.themes_of(entity))
                title = f"{self.pick(words.PROCESS_KINDS)} {theme}"
                processes.append(
                    Process(
                        code=f"PRC-{entity.ovo_number[3:]}-{number:03d}",
                        title=title,
                        description=f"{title}: vaste werking van {entity.name}.",
                        lead_organisation=entity,
                        responsible=self.responsible_in(entity),
                        confidentiality=self.public_every_tenth(number),
                        reporting_frequency=ReportingFrequency.YEARLY
                        if self.chance(0.4)
                        else ReportingFrequency.QUARTERLY,
                        valid_from=datetime.date(2015 + number % 8, 1, 1),
                        is_imported=True,
                    )
                )
        self.processes = self.save(Process, processes, history=True)
        self.organisation_rows(Process, self.processes)
        self.responsibilities(Process, self.processes)
        by_entity = self.operational_by_entity()
        through = Objective.processes.through
        rows = []
        for process in self.processes:
            candidates = by_entity[process.lead_organisation_id]
            if candidates and self.chance(0.6):
                rows.append(
                    through(
                        objective_id=self.pick(candidates).pk, process_id=process.pk
                    )
                )
        self.save_links(through, rows, "objective–process links")

    def make_indicators(self):
        per_entity = figure("indicators", self.scale) // len(self.entities)
        strategic_by_entity = defaultdict(list)
        for item in self.strategic:
            if item.legislature_id == self.legislature.pk:
                strategic_by_entity[item.lead_organisation_id].append(item)
        operational_by_entity = self.operational_by_entity()
        indicators, links = [], []
        for entity in self.entities:
            for number in range(1, per_entity + 1):
                subject, unit = self.pick(words.INDICATOR_SUBJECTS)
                kind = self.pick(list(Indicator.Kind.values))
                theme = self.pick(self.themes_of(entity))
                indicator = Indicator(
                    code=f"IND-{number:03d}",
                    title=f"{subject}: {theme}",
                    description=f"{subject} in het kader van {theme}.",
                    lead_organisation=entity,
                    responsible=self.responsible_in(entity),
                    confidentiality=self.confidentiality(),
                    reporting_frequency=YEARLY if self.chance(0.7) else QUARTERLY,
                    kind=kind,
                    unit=unit,
                    source=self.pick(words.INDICATOR_SOURCES),
                    calculation_method=f"{subject} per periode, zoals geregistreerd.",
                    direction=Indicator.Direction.LOWER_IS_BETTER
                    if unit in ("dagen", "kiloton") or "verkeersdoden" in subject
                    else Indicator.Direction.HIGHER_IS_BETTER,
                    baseline_value=Decimal(self.random.randint(50, 5000)),
                    baseline_year=2019 + self.random.randint(0, 1),
                )
                indicators.append(indicator)
                pool = (
                    strategic_by_entity[entity.pk]
                    if kind == Indicator.Kind.EFFECT
                    else operational_by_entity[entity.pk]
                )
                if pool:
                    links.append((len(indicators) - 1, self.pick(pool).pk))
        self.indicators = self.save(Indicator, indicators, history=True)
        self.organisation_rows(Indicator, self.indicators)
        self.responsibilities(Indicator, self.indicators)
        through = Objective.indicators.through
        self.save_links(
            through,
            [
                through(objective_id=objective, indicator_id=self.indicators[i].pk)
                for i, objective in links
            ],
            "objective–indicator links",
        )
        self.make_series()

    def make_series(self):
        measurements, targets = [], []
        for indicator in self.indicators:
            value = float(indicator.baseline_value)
            step = 1 if indicator.direction == "up" else -1
            for year in range(self.first_measured_year, 2030):
                targets.append(
                    Target(
                        indicator=indicator,
                        period_start=datetime.date(year, 1, 1),
                        period_end=datetime.date(year, 12, 31),
                        value=Decimal(
                            round(
                                value
                                * (1 + step * 0.04 * (year - indicator.baseline_year))
                            )
                        ),
                    )
                )
            periods = self.periods_between(
                indicator.reporting_frequency,
                datetime.date(self.first_measured_year, 1, 1),
                datetime.date(self.today.year - 1, 12, 31),
            )
            for period in periods:
                value *= 1 + step * self.random.uniform(-0.02, 0.06)
                measurements.append(
                    Measurement(
                        indicator=indicator,
                        period_start=period.start,
                        period_end=period.end,
                        value=Decimal(f"{value:.2f}"),
                        created_at=self.reported_at(period),
                    )
                )
        self.save(Target, targets)
        self.save(Measurement, measurements)

    def periods_between(self, frequency, start, end):
        periods = []
        period = Period.of(frequency, start)
        while period.end <= end:
            periods.append(period)
            period = period.next()
        return periods

    # Programmes -------------------------------------------------------------

    def make_programmes(self):
        count = figure("programmes", self.scale)
        projects_by_entity = defaultdict(list)
        for project in self.projects:
            projects_by_entity[project.lead_organisation_id].append(project)
        programmes, extra, bundles = [], {}, []
        for index in range(count):
            entity = self.entities[index % len(self.entities)]
            roll = self.random.random()
            government_wide = roll < 0.05
            partners = []
            if government_wide:
                partners = self.sample(self.entities, 4)
            elif roll < 0.2:
                partners = self.sample(self.entities, 2)
            name = words.PROGRAMME_NAMES[index % len(words.PROGRAMME_NAMES)]
            lead = self.root if government_wide else entity
            programmes.append(
                Programme(
                    code=f"PGM-{index + 1:03d}",
                    title=f"{name} {index // len(words.PROGRAMME_NAMES) + 1}",
                    description=f"Programma {name}, gebundelde projecten.",
                    lead_organisation=lead,
                    responsible=self.responsible_in(entity),
                    confidentiality=self.public_every_tenth(index),
                    reporting_frequency=ReportingFrequency.QUARTERLY,
                    is_government_wide=government_wide,
                )
            )
            sources = [entity, *partners]
            extra[index] = [partner.pk for partner in partners] + [entity.pk]
            bundles.append(
                [
                    project
                    for source in sources
                    for project in self.sample(
                        projects_by_entity[source.pk], self.random.randint(2, 5)
                    )
                ]
            )
        self.programmes = self.save(Programme, programmes, history=True)
        self.organisation_rows(
            Programme,
            self.programmes,
            {p.pk: extra[i] for i, p in enumerate(self.programmes)},
        )
        self.responsibilities(Programme, self.programmes)
        through = Programme.projects.through
        rows = {
            (programme.pk, project.pk)
            for programme, bundle in zip(self.programmes, bundles, strict=True)
            for project in bundle
        }
        self.save_links(
            through,
            [through(programme_id=g, project_id=p) for g, p in sorted(rows)],
            "programme–project links",
        )

    # Lenses -----------------------------------------------------------------

    def make_lenses(self):
        lenses, plans = [], []
        coalition = Lens(
            name="Regeerakkoord 2024–2029",
            kind=Lens.Kind.COALITION_AGREEMENT,
            legislature=self.legislature,
            description="Het regeerakkoord van de Vlaamse Regering 2024–2029.",
        )
        lenses.append(coalition)
        for name in words.TRANSVERSAL_PLANS[: figure("transversal_plans", self.scale)]:
            plan = Lens(
                name=name,
                kind=Lens.Kind.TRANSVERSAL_PLAN,
                legislature=self.legislature,
                description=f"{name}: een transversaal beleidsplan over de "
                "entiteiten heen.",
            )
            lenses.append(plan)
            plans.append(plan)
        lenses.extend(self.entity_lenses())
        lenses = self.save(Lens, lenses)
        self.fill_lenses(coalition, plans, lenses)

    def entity_lenses(self):
        lenses = []
        departments = {}
        for entity in self.entities:
            departments.setdefault(entity.parent_id, entity)
        for domain_id, owner in sorted(departments.items(), key=lambda item: item[0]):
            domain = next(o for o in self.by_ovo.values() if o.pk == domain_id)
            lenses.append(
                Lens(
                    name=f"Beleidsnota {domain.short_name} 2024–2029",
                    kind=Lens.Kind.POLICY_NOTE,
                    organisation=owner,
                    legislature=self.legislature,
                )
            )
            for year in (2024, 2025, 2026):
                lenses.append(
                    Lens(
                        name=f"Beleidsbrief {domain.short_name} {year}–{year + 1}",
                        kind=Lens.Kind.POLICY_LETTER,
                        organisation=owner,
                        legislature=self.legislature,
                    )
                )
            lenses.append(
                Lens(
                    name=f"Regelgevingsagenda {domain.short_name}",
                    kind=Lens.Kind.REGULATORY_AGENDA,
                    organisation=owner,
                    legislature=self.legislature,
                )
            )
        for entity in self.entities:
            for year in (2025, 2026, 2027):
                lenses.append(
                    Lens(
                        name=f"Ondernemingsplan {entity} {year}",
                        kind=Lens.Kind.BUSINESS_PLAN,
                        organisation=entity,
                        legislature=self.legislature,
                    )
                )
        return lenses

    def fill_lenses(self, coalition, plans, lenses):
        current = [o for o in self.strategic if o.legislature_id == self.legislature.pk]
        operational = [
            o for o in self.operational if o.legislature_id == self.legislature.pk
        ]
        headings = self.save(
            LensEntry,
            [
                LensEntry(lens=coalition, position=number, heading=chapter)
                for number, chapter in enumerate(words.COALITION_CHAPTERS, start=1)
            ],
        )
        entries = []
        chosen = self.sample(current, min(len(current), 160))
        for index, objective in enumerate(chosen):
            chapter = headings[index % len(headings)]
            entries.append(
                LensEntry(
                    lens=coalition,
                    parent=chapter,
                    position=index // len(headings) + 1,
                    objective=objective,
                )
            )
        coordinators = Lens.coordinators.through
        coordinator_rows = []
        for number, plan in enumerate(plans):
            picked = self.sample(operational, self.random.randint(8, 25))
            entries.extend(
                LensEntry(lens=plan, position=position, objective=objective)
                for position, objective in enumerate(picked, start=1)
            )
            lead = picked[0].lead_organisation_id
            person = self.coordinator if number == 0 else self.pick(self.staff[lead])
            coordinator_rows.append(coordinators(lens_id=plan.pk, person_id=person.pk))
        for lens in lenses:
            if lens.organisation_id is None:
                continue
            own = [o for o in current if o.lead_organisation_id == lens.organisation_id]
            entries.extend(
                LensEntry(lens=lens, position=position, objective=objective)
                for position, objective in enumerate(
                    self.sample(own, self.random.randint(3, 12)), start=1
                )
            )
        self.save(LensEntry, entries)
        self.save_links(coordinators, coordinator_rows, "lens coordinators")

    # Status history -----------------------------------------------------------

    def status_periods(self, frequency, start=None, end=None):
        last = Period.of(QUARTERLY, self.today).previous()
        first = last
        for _ in range(STATUS_QUARTERS - 1):
            first = first.previous()
        periods = self.periods_between(frequency, first.start, last.end)
        return [
            period
            for period in periods
            if (start is None or period.end >= start)
            and (end is None or period.start <= end)
        ]

    def reported_at(self, period):
        """A moment some days after ``period``, as people report, never later
        than the reference date."""
        day = min(
            period.end + datetime.timedelta(days=self.random.randint(1, 25)),
            self.today,
        )
        moment = datetime.datetime.combine(
            day, datetime.time(self.random.randint(8, 17), self.random.randint(0, 59))
        )
        return timezone.make_aware(moment)

    def walk_colours(self, count, finished):
        colour = "grey" if self.chance(0.3) else "green"
        colours = []
        for _ in range(count):
            if colour == "grey" and self.chance(0.6):
                colour = "green"
            elif colour != "grey" and self.chance(0.25):
                colour = self.random.choices(["green", "orange", "red"], [5, 3, 1])[0]
            colours.append(colour)
        if finished and colours:
            colours[-1] = "blue"
        return colours

    def reports_for(self, subject, component, periods, finished=False):
        authors = {}
        person = getattr(component, "responsible", None)
        if person is not None and person.user_id:
            authors["author_id"] = person.user_id
        colours = self.walk_colours(len(periods), finished)
        return [
            StatusReport(
                **{subject: component},
                period_start=period.start,
                period_end=period.end,
                colour=colour,
                explanation=self.pick(words.EXPLANATIONS[colour]),
                created_at=self.reported_at(period),
                **authors,
            )
            for period, colour in zip(periods, colours, strict=True)
        ]

    def make_status_history(self):
        reports = []
        legislatures = {
            self.legislature.pk: self.legislature,
            self.previous_legislature.pk: self.previous_legislature,
        }
        for objective in self.objectives:
            legislature = legislatures[objective.legislature_id]
            periods = self.status_periods(
                objective.reporting_frequency,
                legislature.start_date,
                legislature.end_date,
            )
            reports.extend(self.reports_for("objective", objective, periods))
        for project in self.projects:
            periods = self.status_periods(
                project.reporting_frequency, project.start_date, project.end_date
            )
            finished = project.end_date < self.today
            reports.extend(self.reports_for("project", project, periods, finished))
        for process in self.processes:
            periods = self.status_periods(process.reporting_frequency)
            reports.extend(self.reports_for("process", process, periods))
        for programme in self.programmes:
            periods = self.status_periods(programme.reporting_frequency)
            reports.extend(self.reports_for("programme", programme, periods))
        reports.extend(self.milestone_reports())
        self.save(StatusReport, reports)

    def milestone_reports(self):
        reports = []
        for milestone in self.milestones:
            if milestone.due_date >= self.today:
                continue
            period = Period.of(QUARTERLY, milestone.due_date)
            if milestone.completed_on:
                colour = "blue"
            else:
                colour = "red" if self.chance(0.6) else "orange"
            author = milestone.assignee.user_id if milestone.assignee else None
            reports.append(
                StatusReport(
                    milestone=milestone,
                    period_start=period.start,
                    period_end=period.end,
                    colour=colour,
                    explanation=self.pick(words.EXPLANATIONS[colour]),
                    author_id=author,
                    created_at=self.reported_at(period),
                )
            )
        return reports

    # Grants -------------------------------------------------------------------

    def make_grants(self):
        """Per-object grants for everyone named on a component or milestone."""
        rows = []
        for model, by_object in self.grants.items():
            unique = {pk: sorted(set(users)) for pk, users in by_object.items()}
            rows.extend(actions.grant_rows(unique, model))
        created = UserObjectPermission.objects.bulk_create(rows, batch_size=BATCH_SIZE)
        self.counts["per-object grants"] = len(created)

    # Legislature transition ---------------------------------------------------

    def make_transition(self):
        """A draft transition from the previous legislature for the first
        entity that still has strategic objectives in it: its first one
        ended, the others left for the demo to map. Made last, so that the
        rest of the data does not depend on it."""
        previous = self.previous_legislature.pk
        old = [item for item in self.strategic if item.legislature_id == previous]
        owners = {item.lead_organisation_id for item in old}
        entity = next((e for e in self.entities if e.pk in owners), None)
        if entity is None:
            return
        (transition,) = self.save(
            LegislatureTransition,
            [
                LegislatureTransition(
                    organisation=entity,
                    previous_legislature=self.previous_legislature,
                    next_legislature=self.legislature,
                )
            ],
            history=True,
        )
        first = min(
            (item for item in old if item.lead_organisation_id == entity.pk),
            key=lambda item: code_key(item.code),
        )
        self.save(
            ObjectiveSuccession,
            [
                ObjectiveSuccession(
                    transition=transition,
                    previous_objective=first,
                    kind=ObjectiveSuccession.Kind.ENDED,
                    note="Afgerond in de vorige legislatuur.",
                )
            ],
        )


def existing_demo_logins():
    """The demo logins of a database seeded earlier, for printing again."""
    builder = DemoBuilder()
    by_ovo = {o.ovo_number: o for o in Organisation.objects.all()}
    builder.entities = demo_entities(by_ovo, 2, builder.today)
    if not builder.entities:
        return []
    accounts = builder.demo_account_names()
    existing = set(
        User.objects.filter(username__in=[account[0] for account in accounts])
        .filter(is_active=True)
        .values_list("username", flat=True)
    )
    return [
        (username, role or "global administrator", entity)
        for username, entity, role, _ in accounts
        if username in existing
    ]
