"""Who may see and do what: the one place that decides.

Entity-wide roles come from ``Membership`` and are checked with a join in the
query; per-object grants (a responsibility, a project membership, a milestone
assignment, an item shared with one person) are django-guardian object
permissions. Views never fetch a component themselves: they ask here, and an
invisible component is answered as if it did not exist.
"""

from enum import StrEnum

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db.models import BigIntegerField, Exists, OuterRef, Prefetch, Q
from django.db.models.functions import Cast
from django.http import Http404
from guardian.models import UserObjectPermission

from objectives.models import (
    STATUS_SUBJECTS,
    AccessRefusal,
    BudgetAmount,
    BudgetArticle,
    Confidentiality,
    Indicator,
    LegislatureTransition,
    Lens,
    LensEntry,
    Measurement,
    Membership,
    Milestone,
    Objective,
    Organisation,
    PeriodClosure,
    Process,
    Programme,
    Project,
    StatusReport,
    StructureElement,
    Target,
)

COMPONENT_MODELS = (Objective, Project, Process, Programme, Indicator)
Role = Membership.Role


class Action(StrEnum):
    VIEW = "view"
    # Report status, update a milestone, enter a measurement, edit the
    # description: the contributor's work.
    EDIT = "edit"
    # Relink, reassign responsibility or organisations, change any field.
    LINK = "link"
    # Archive (components are never removed from the history).
    DELETE = "delete"


def is_global_admin(user):
    return bool(user.is_authenticated and user.is_active and user.is_global_admin)


def roles_by_organisation(user):
    """The active role of ``user`` in each organisation, cached on the user."""
    if not user.is_authenticated or not user.is_active:
        return {}
    if not hasattr(user, "_traject_roles"):
        user._traject_roles = dict(
            Membership.objects.active()
            .filter(person__user=user)
            .order_by()
            .values_list("organisation_id", "role")
        )
    return user._traject_roles


def forget_roles(user):
    """Drop the cached roles after the user's memberships changed."""
    user.__dict__.pop("_traject_roles", None)


def _active_memberships(user, roles=None):
    memberships = Membership.objects.active().filter(person__user=user)
    if roles is not None:
        memberships = memberships.filter(role__in=roles)
    return memberships.values("organisation_id")


def _grants(user, model, codenames):
    """Ids of the ``model`` rows on which ``user`` holds one of ``codenames``."""
    return (
        UserObjectPermission.objects.filter(
            user=user,
            user__person__is_active=True,
            content_type=ContentType.objects.get_for_model(model),
            permission__codename__in=codenames,
        )
        .annotate(granted_id=Cast("object_pk", BigIntegerField()))
        .values("granted_id")
    )


def _viewing_codenames(model):
    name = model._meta.model_name
    return [f"view_{name}", f"change_{name}"]


def _in_organisations(model, organisation_ids):
    through = model.organisations.through
    owner_column = f"{model._meta.model_name}_id"
    return Exists(
        through.objects.filter(
            **{owner_column: OuterRef("pk")}, organisation_id__in=organisation_ids
        )
    )


def _visible_components(user, model):
    confidential = Q(confidentiality=Confidentiality.CONFIDENTIAL)
    visible = (
        (_in_organisations(model, _active_memberships(user)) & ~confidential)
        | _in_organisations(model, _active_memberships(user, [Role.ADMINISTRATOR]))
        | Q(pk__in=_grants(user, model, _viewing_codenames(model)))
    )
    if model is Programme:
        visible |= Q(is_government_wide=True) & ~confidential
    if model is Objective:
        coordinated = LensEntry.objects.filter(
            objective=OuterRef("pk"),
            lens__coordinators__user=user,
            lens__coordinators__is_active=True,
        )
        visible |= Exists(coordinated) & ~confidential
    return model.objects.filter(visible)


# The open-data set -------------------------------------------------------


def _status_reports_of(components_of):
    """The status reports whose component is among ``components_of(model)``."""
    subjects = Q()
    for name in STATUS_SUBJECTS:
        components = components_of(model_named(name))
        subjects |= Q(**{f"{name}__in": components.values("pk")})
    return StatusReport.objects.filter(subjects)


def published(model):
    """Every ``model`` row that is open data: what anyone, anonymous
    visitors included, may see.

    Public components that are not archived; the milestones of a published
    project (a milestone's confidentiality is its project's) that are not
    archived themselves; the status reports of published components; the
    measurements and targets of published indicators; every organisation
    (they come from the public registry). Nothing else: no lens, no
    internal or confidential component.
    """
    if model in COMPONENT_MODELS:
        return model.objects.filter(
            confidentiality=Confidentiality.PUBLIC, is_archived=False
        )
    if model is Milestone:
        return Milestone.objects.filter(
            project__in=published(Project).values("pk"), is_archived=False
        )
    if model is StatusReport:
        return _status_reports_of(published)
    if model in (Measurement, Target):
        return model.objects.filter(indicator__in=published(Indicator).values("pk"))
    if model is Organisation:
        return Organisation.objects.all()
    if model is Lens:
        return Lens.objects.none()
    raise TypeError(f"The access layer does not know {model.__name__}.")


def get_published(model, public_id):
    """The published ``model`` with ``public_id``, for the open-data files.

    An unpublished row answers exactly like a missing one (404). No refusal
    is logged: anonymous requests should write nothing, and a 404 tells the
    visitor nothing either way.
    """
    obj = published(model).filter(public_id=public_id).first()
    if obj is None:
        raise Http404(f"No {model._meta.verbose_name} matches the given query.")
    return obj


def is_published(obj):
    """Whether ``obj`` is in the open-data set (see ``published``)."""
    if isinstance(obj, COMPONENT_MODELS):
        return obj.confidentiality == Confidentiality.PUBLIC and not obj.is_archived
    if isinstance(obj, Milestone):
        return not obj.is_archived and is_published(obj.project)
    if isinstance(obj, (Measurement, Target)):
        return is_published(obj.indicator)
    return False


# Who sees what ------------------------------------------------------------


def visible(user, model):
    """Every ``model`` row that ``user`` may see, as one query.

    An anonymous visitor sees the open-data set (``published``); pages that
    require a login refuse them before they ask. An inactive account sees
    nothing.
    """
    if not user.is_authenticated:
        return published(model)
    if not user.is_active:
        return model.objects.none()
    if is_global_admin(user):
        return model.objects.all()
    if model is StatusReport:
        return _status_reports_of(lambda model: visible(user, model))
    if model in COMPONENT_MODELS:
        return _visible_components(user, model)
    if model is Milestone:
        return Milestone.objects.filter(
            Q(project__in=_visible_components(user, Project).values("pk"))
            | Q(pk__in=_grants(user, Milestone, _viewing_codenames(Milestone)))
        )
    if model in (Measurement, Target):
        return model.objects.filter(
            indicator__in=_visible_components(user, Indicator).values("pk")
        )
    if model is Lens:
        return Lens.objects.filter(
            Q(organisation__isnull=True)
            | Q(organisation__in=_active_memberships(user))
            | Q(coordinators__user=user, coordinators__is_active=True)
        ).distinct()
    if model in (Organisation, StructureElement, BudgetArticle):
        # The registry of organisations is public, and budget figures are
        # not confidential.
        return model.objects.all()
    raise TypeError(f"The access layer does not know {model.__name__}.")


def _held_codenames(user, obj):
    """The grants ``user`` holds on ``obj``, remembered on ``obj`` so that
    several questions about one object cost one query."""
    remembered = obj.__dict__.setdefault("_traject_grants", {})
    if user.pk not in remembered:
        remembered[user.pk] = set(
            UserObjectPermission.objects.filter(
                user=user,
                user__person__is_active=True,
                content_type=ContentType.objects.get_for_model(obj),
                object_pk=str(obj.pk),
            ).values_list("permission__codename", flat=True)
        )
    return remembered[user.pk]


def _organisation_ids(component):
    return {organisation.pk for organisation in component.organisations.all()}


def _coordinates_lens_of(user, objective):
    return LensEntry.objects.filter(
        objective=objective,
        lens__coordinators__user=user,
        lens__coordinators__is_active=True,
    ).exists()


def _can_on_component(user, action, component):
    roles = roles_by_organisation(user)
    held = {roles[pk] for pk in _organisation_ids(component) if pk in roles}
    model_name = component._meta.model_name
    codenames = _held_codenames(user, component)
    is_named = f"change_{model_name}" in codenames
    is_shared = is_named or f"view_{model_name}" in codenames
    is_admin = Role.ADMINISTRATOR in held
    contributes = bool(held & {Role.CONTRIBUTOR, Role.ADMINISTRATOR})
    open_to_members = component.confidentiality != Confidentiality.CONFIDENTIAL
    government_wide = isinstance(component, Programme) and component.is_government_wide

    if action == Action.VIEW:
        # Everyone follows a government-wide programme that is not
        # confidential.
        if is_admin or is_shared or (open_to_members and (held or government_wide)):
            return True
        return (
            isinstance(component, Objective)
            and open_to_members
            and _coordinates_lens_of(user, component)
        )
    if action == Action.EDIT:
        return is_admin or is_named or (contributes and open_to_members)
    # Only global administrators relink or archive government-wide programmes.
    return is_admin and not government_wide


def _can_on_milestone(user, action, milestone):
    if action in (Action.VIEW, Action.EDIT):
        codenames = _held_codenames(user, milestone)
        if "change_milestone" in codenames:
            return True
        if action == Action.VIEW and "view_milestone" in codenames:
            return True
    return _can_on_component(user, action, milestone.project)


def _can_on_lens(user, action, lens):
    if action == Action.VIEW:
        if lens.is_government_wide or lens.organisation_id in roles_by_organisation(
            user
        ):
            return True
        return lens.coordinators.filter(user=user, is_active=True).exists()
    if lens.is_government_wide:
        return False
    return roles_by_organisation(user).get(lens.organisation_id) == Role.ADMINISTRATOR


def can(user, action, obj):
    """Whether ``user`` may do ``action`` on ``obj``."""
    if not user.is_authenticated:
        # Anonymous visitors only read the open-data set.
        return action == Action.VIEW and is_published(obj)
    if not user.is_active:
        return False
    if action == Action.EDIT and getattr(obj, "is_archived", False):
        # An archived component takes no new status, measurement or
        # description until an administrator restores it.
        return False
    if is_global_admin(user):
        return True
    if isinstance(obj, COMPONENT_MODELS):
        return _can_on_component(user, action, obj)
    if isinstance(obj, Milestone):
        return _can_on_milestone(user, action, obj)
    if isinstance(obj, (Measurement, Target)):
        return _can_on_component(user, action, obj.indicator)
    if isinstance(obj, Lens):
        return _can_on_lens(user, action, obj)
    raise TypeError(f"The access layer does not know {type(obj).__name__}.")


def can_create(user, model, organisation=None):
    """Whether ``user`` may create a ``model`` in ``organisation``.

    ``organisation`` None asks for a government-wide lens or programme.
    """
    if is_global_admin(user):
        return True
    if organisation is None:
        return False
    role = roles_by_organisation(user).get(organisation.pk)
    return role == Role.ADMINISTRATOR


def can_manage_memberships(user, organisation):
    return can_create(user, Membership, organisation)


def get_for_user(user, model, public_id, action=Action.VIEW, *, related=()):
    """The ``model`` with ``public_id`` for ``user`` to do ``action`` on.

    An invisible row is answered like a missing one (404); a visible row the
    user may not act on raises 403. ``related`` names foreign keys to read in
    the same query.
    """
    rows = visible(user, model).select_related(*related)
    obj = rows.filter(public_id=public_id).first()
    if obj is None:
        refusal = Http404(f"No {model._meta.verbose_name} matches the given query.")
        # Only on the way out: an existing row is logged as a refusal.
        if model.objects.filter(public_id=public_id).exists():
            _mark_refused(refusal, model, public_id)
        raise refusal
    if action != Action.VIEW and not can(user, action, obj):
        raise _mark_refused(PermissionDenied(), model, public_id)
    return obj


def _mark_refused(exception, model, public_id):
    """Name the component on a refusal, for the log of refused access
    (``traject.middleware.AccessRefusalMiddleware``)."""
    exception.component_type = model._meta.model_name
    exception.component_id = str(public_id)
    return exception


def organisations_of(user):
    """The organisations in which ``user`` holds an active role."""
    if not user.is_authenticated or not user.is_active:
        return Organisation.objects.none()
    return Organisation.objects.filter(pk__in=_active_memberships(user))


def get_organisation(user, ovo_number):
    """Organisations come from the public registry: every user may see them."""
    organisation = Organisation.objects.filter(ovo_number=ovo_number).first()
    if organisation is None or not user.is_authenticated:
        raise Http404("No organisation matches the given query.")
    return organisation


def model_named(name):
    """The access layer's model for a lower-case model name."""
    for model in (*COMPONENT_MODELS, Milestone, Lens, Membership):
        if model._meta.model_name == name:
            return model
    raise LookupError(f"The access layer does not know {name!r}.")


# Lens building and members of an organisation ------------------------------


def administered_organisations(user):
    """The organisations in which ``user`` may create lenses and grant roles:
    every one for a global administrator, else those they administer."""
    if is_global_admin(user):
        return Organisation.objects.all()
    administered = [
        pk
        for pk, role in roles_by_organisation(user).items()
        if role == Role.ADMINISTRATOR
    ]
    return Organisation.objects.filter(pk__in=administered)


def can_create_lenses(user):
    """Whether ``user`` may create a lens anywhere (the lens list's button)."""
    return is_global_admin(user) or Role.ADMINISTRATOR in set(
        roles_by_organisation(user).values()
    )


def can_see_memberships(user, organisation):
    """The members of an organisation see who else holds a role in it."""
    return is_global_admin(user) or organisation.pk in roles_by_organisation(user)


def get_organisation_for_members(user, ovo_number, *, manage=False):
    """The organisation whose member list ``user`` reads (or, with ``manage``,
    changes): 404 for a non-member, 403 for a member who may not change it."""
    organisation = get_organisation(user, ovo_number)
    if not can_see_memberships(user, organisation):
        raise Http404("No organisation matches the given query.")
    if manage and not can_manage_memberships(user, organisation):
        raise PermissionDenied
    return organisation


# Closed periods, corrections and plan validations ---------------------------


def _coordinates(user, lens):
    """Whether ``user`` coordinates ``lens``, remembered on the lens."""
    remembered = lens.__dict__.setdefault("_traject_coordinated_by", {})
    if user.pk not in remembered:
        remembered[user.pk] = lens.coordinators.filter(
            user=user, is_active=True
        ).exists()
    return remembered[user.pk]


def _is_transversal_plan(owner):
    return isinstance(owner, Lens) and owner.kind == Lens.Kind.TRANSVERSAL_PLAN


def can_close_periods(user, owner):
    """Whether ``user`` may close a period of ``owner``: an organisation for
    its administrators, a transversal plan for its coordinators and the
    administrators of its organisation; every one for a global
    administrator. Other lenses have no closed periods."""
    if not user.is_authenticated or not user.is_active:
        return False
    if isinstance(owner, Lens) and not _is_transversal_plan(owner):
        return False
    if is_global_admin(user):
        return True
    roles = roles_by_organisation(user)
    if isinstance(owner, Organisation):
        return roles.get(owner.pk) == Role.ADMINISTRATOR
    if roles.get(owner.organisation_id) == Role.ADMINISTRATOR:
        return True
    return _coordinates(user, owner)


def can_reopen_periods(user):
    """Only the central team reopens a closed period."""
    return is_global_admin(user)


def can_correct(user, subject, closure):
    """Whether ``user`` may correct the status or measurement of ``subject``
    in the period that ``closure`` froze: the administrators of the
    subject's organisations (its project's, for a milestone), the
    coordinators of the closed plan, and global administrators."""
    if not user.is_authenticated or not user.is_active:
        return False
    if is_global_admin(user):
        return True
    owner = subject.project if isinstance(subject, Milestone) else subject
    roles = roles_by_organisation(user)
    if any(roles.get(pk) == Role.ADMINISTRATOR for pk in _organisation_ids(owner)):
        return True
    return closure.lens_id is not None and _coordinates(user, closure.lens)


def may_correct(user, subject):
    """Whether ``user`` may correct ``subject`` in some closed period: what
    the correction pages ask before the period is known."""
    if not user.is_authenticated or not user.is_active:
        return False
    if is_global_admin(user):
        return True
    owner = subject.project if isinstance(subject, Milestone) else subject
    roles = roles_by_organisation(user)
    if any(roles.get(pk) == Role.ADMINISTRATOR for pk in _organisation_ids(owner)):
        return True
    return (
        PeriodClosure.objects.active()
        .concerning(subject)
        .filter(lens__coordinators__user=user, lens__coordinators__is_active=True)
        .exists()
    )


def get_closure_to_reopen(user, public_id):
    """A closure that ``user`` reopens: 404 when its organisation or plan
    is not theirs to read, 403 for anyone but a global administrator."""
    closure = (
        PeriodClosure.objects.filter(public_id=public_id)
        .select_related("organisation", "lens")
        .first()
    )
    if closure is None:
        raise Http404("No closed period matches the given query.")
    if closure.organisation_id:
        get_closing_owner(user, "organisation", closure.organisation.ovo_number)
    else:
        get_closing_owner(user, "lens", closure.lens.public_id)
    if not can_reopen_periods(user):
        raise PermissionDenied
    return closure


def can_validate_plan(user, lens):
    """A transversal plan is validated by its coordinators (and the central
    team): they sign the report off."""
    if not _is_transversal_plan(lens) or not user.is_authenticated:
        return False
    return is_global_admin(user) or _coordinates(user, lens)


def get_closing_owner(user, kind, identifier, *, close=False):
    """The organisation (by OVO number) or transversal plan (by public id)
    whose closed periods ``user`` reads, or with ``close`` closes: 404 for a
    non-member of the organisation, a lens they may not see or one that is
    no plan; 403 for a reader who may not close."""
    if kind == "organisation":
        owner = get_organisation(user, identifier)
        if not can_see_memberships(user, owner):
            raise Http404("No organisation matches the given query.")
    else:
        owner = get_for_user(user, Lens, identifier, related=("organisation",))
        if not _is_transversal_plan(owner):
            raise Http404("No transversal plan matches the given query.")
    if close and not can_close_periods(user, owner):
        raise PermissionDenied
    return owner


# The reporting cycle ---------------------------------------------------------


def can_set_reporting_calendar(user, lens):
    """Whoever may change a lens sets its reporting calendar, and so do its
    coordinators: collecting a plan's reports is their work."""
    if lens.is_archived:
        return False
    if can(user, Action.EDIT, lens):
        return True
    return lens.coordinators.filter(user=user, is_active=True).exists()


def get_lens_for_calendar(user, public_id):
    """The lens whose calendar ``user`` sets: 404 if invisible, 403 if they
    may not set it."""
    lens = get_for_user(user, Lens, public_id)
    if not can_set_reporting_calendar(user, lens):
        raise PermissionDenied
    return lens


def get_organisation_for_completion(user, ovo_number):
    """The organisation whose reporting completion ``user`` follows: 404 for
    an unknown one, 403 unless ``user`` administers it."""
    organisation = get_organisation(user, ovo_number)
    if not administered_organisations(user).filter(pk=organisation.pk).exists():
        raise PermissionDenied
    return organisation


# The log of refused access ----------------------------------------------------


def refusals(user):
    """The refused requests, for global administrators only (others: 404)."""
    if not is_global_admin(user):
        raise Http404("No page matches the given query.")
    return AccessRefusal.objects.select_related("user")


# Structure elements and the budget -------------------------------------------


def in_policy_domain(domain):
    """The organisations of ``domain``: itself, its departments and their
    agencies, as a condition on ``Organisation``."""
    return Q(pk=domain.pk) | Q(parent=domain) | Q(parent__parent=domain)


def budget_domains(user):
    """The policy domains whose structure elements and budget articles
    ``user`` manages: those they administer, every one for a global
    administrator."""
    domains = Organisation.objects.filter(kind=Organisation.Kind.POLICY_DOMAIN)
    if is_global_admin(user):
        return domains
    administered = [
        pk
        for pk, role in roles_by_organisation(user).items()
        if role == Role.ADMINISTRATOR
    ]
    return domains.filter(pk__in=administered)


def can_manage_budget(user, domain):
    """Whether ``user`` manages the structure elements and budget articles
    of the policy domain ``domain``."""
    if not user.is_authenticated or not user.is_active:
        return False
    if domain.kind != Organisation.Kind.POLICY_DOMAIN:
        return False
    if is_global_admin(user):
        return True
    return roles_by_organisation(user).get(domain.pk) == Role.ADMINISTRATOR


def manages_any_budget(user):
    """Whether ``user`` manages the budget of some policy domain (the budget
    import and the managing buttons)."""
    return budget_domains(user).exists()


def get_policy_domain(user, ovo_number, *, manage=False):
    """The policy domain whose budget ``user`` reads, or with ``manage``
    changes: 404 for an organisation that is no policy domain, 403 for one
    that ``user`` does not administer. Budget figures are not confidential:
    every user reads them."""
    domain = get_organisation(user, ovo_number)
    if domain.kind != Organisation.Kind.POLICY_DOMAIN:
        raise Http404("No policy domain matches the given query.")
    if manage and not can_manage_budget(user, domain):
        raise _mark_refused(PermissionDenied(), Organisation, ovo_number)
    return domain


def get_structure_element(user, public_id, *, manage=False):
    """A structure element, with its policy domain: 404 when missing, 403
    with ``manage`` for anyone but the administrators of its domain."""
    element = (
        visible(user, StructureElement)
        .select_related("policy_domain")
        .filter(public_id=public_id)
        .first()
    )
    if element is None:
        raise Http404("No structure element matches the given query.")
    if manage and not can_manage_budget(user, element.policy_domain):
        raise _mark_refused(PermissionDenied(), StructureElement, public_id)
    return element


def can_manage_article(user, article):
    """The administrators of the policy domain of one of the article's
    structure elements manage it; an article linked to none, only global
    administrators."""
    if not user.is_authenticated or not user.is_active:
        return False
    if is_global_admin(user):
        return True
    domains = {element.policy_domain_id for element in article.structure_elements.all()}
    return budget_domains(user).filter(pk__in=domains).exists()


def get_budget_article(user, public_id, *, manage=False):
    """A budget article with its structure elements: 404 when missing, 403
    with ``manage`` for anyone who may not manage it."""
    article = (
        visible(user, BudgetArticle)
        .prefetch_related(
            Prefetch(
                "structure_elements",
                StructureElement.objects.select_related("policy_domain"),
            ),
            Prefetch("amounts", BudgetAmount.objects.order_by("year")),
        )
        .filter(public_id=public_id)
        .first()
    )
    if article is None:
        raise Http404("No budget article matches the given query.")
    if manage and not can_manage_article(user, article):
        raise _mark_refused(PermissionDenied(), BudgetArticle, public_id)
    return article


def objectives_for_element(user, element):
    """The objectives ``user`` may hang under ``element``: visible,
    current, led by an organisation of the element's policy domain."""
    return (
        visible(user, Objective)
        .filter(is_archived=False)
        .filter(
            lead_organisation__in=Organisation.objects.filter(
                in_policy_domain(element.policy_domain)
            )
        )
    )


def article_elements_offered(user, article):
    """The structure elements the article's form offers ``user``: the
    current ones of the policy domains of its elements that ``user``
    manages (of every domain for an article without elements, which only
    a global administrator manages)."""
    domains = budget_domains(user)
    linked = {element.policy_domain_id for element in article.structure_elements.all()}
    if linked:
        domains = domains.filter(pk__in=linked)
    return StructureElement.objects.filter(
        policy_domain__in=domains, is_archived=False
    ).order_by("code")


# Legislature transitions ------------------------------------------------------


def can_manage_transitions(user, organisation):
    """The administrators of an organisation (and global administrators)
    open, map and apply its legislature transitions."""
    if not user.is_authenticated or not user.is_active:
        return False
    return is_global_admin(user) or (
        roles_by_organisation(user).get(organisation.pk) == Role.ADMINISTRATOR
    )


def get_organisation_for_transitions(user, ovo_number, *, manage=False):
    """The organisation whose transitions ``user`` lists (or, with
    ``manage``, opens): 404 for a non-member, 403 for a member who may not
    manage them."""
    organisation = get_organisation_for_members(user, ovo_number)
    if manage and not can_manage_transitions(user, organisation):
        raise PermissionDenied
    return organisation


def visible_transitions(user):
    """The transitions of the organisations in which ``user`` holds a role;
    every one for a global administrator."""
    if not user.is_authenticated or not user.is_active:
        return LegislatureTransition.objects.none()
    rows = LegislatureTransition.objects.all()
    if not is_global_admin(user):
        rows = rows.filter(organisation__in=_active_memberships(user))
    return rows.select_related(
        "organisation", "previous_legislature", "next_legislature"
    )


def get_transition(user, public_id, *, manage=False):
    """The transition ``public_id`` for ``user``: 404 unless ``user`` is a
    member of its organisation, 403 with ``manage`` unless they administer
    it. Its objectives are read through ``visible`` all the same."""
    transition = (
        visible_transitions(user)
        .select_related("opened_by", "applied_by")
        .filter(public_id=public_id)
        .first()
    )
    if transition is None:
        refusal = Http404("No transition matches the given query.")
        if LegislatureTransition.objects.filter(public_id=public_id).exists():
            _mark_refused(refusal, LegislatureTransition, public_id)
        raise refusal
    if manage and not can_manage_transitions(user, transition.organisation):
        raise _mark_refused(PermissionDenied(), LegislatureTransition, public_id)
    return transition


# Integrations of the JSON API ------------------------------------------------


def can_manage_integrations(user):
    """Only the central team creates and revokes API integrations: a token
    acts with the rights of any account it is given."""
    return is_global_admin(user)


def check_manages_integrations(user):
    """Raise 404 (the page does not exist for them) unless ``user`` manages
    integrations."""
    if not can_manage_integrations(user):
        raise Http404("No page matches the given query.")
