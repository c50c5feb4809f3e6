from objectives.models.budget import BudgetAmount, BudgetArticle, StructureElement
from objectives.models.closing import PeriodClosure, PlanValidation
from objectives.models.components import (
    Component,
    Confidentiality,
    Indicator,
    Legislature,
    Measurement,
    Milestone,
    Objective,
    Process,
    Programme,
    Project,
    ReportingFrequency,
    Target,
)
from objectives.models.cycle import (
    LateReminderRound,
    ReportingCalendar,
    ReportingDeadline,
    SentReminder,
    Tier,
)
from objectives.models.history import AccessRefusal, Change
from objectives.models.lenses import Lens, LensEntry
from objectives.models.organisations import Membership, Organisation, Person, User
from objectives.models.status import STATUS_SUBJECTS, StatusReport
from objectives.models.transitions import LegislatureTransition, ObjectiveSuccession

__all__ = [
    "AccessRefusal",
    "STATUS_SUBJECTS",
    "BudgetAmount",
    "BudgetArticle",
    "Change",
    "Component",
    "Confidentiality",
    "Indicator",
    "LateReminderRound",
    "Legislature",
    "LegislatureTransition",
    "Lens",
    "LensEntry",
    "Measurement",
    "Membership",
    "Milestone",
    "Objective",
    "ObjectiveSuccession",
    "Organisation",
    "PeriodClosure",
    "Person",
    "PlanValidation",
    "Process",
    "Programme",
    "Project",
    "ReportingCalendar",
    "ReportingDeadline",
    "ReportingFrequency",
    "SentReminder",
    "StatusReport",
    "StructureElement",
    "Target",
    "Tier",
    "User",
]
