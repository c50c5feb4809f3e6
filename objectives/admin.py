"""The Django admin, for global administrators.

Saves made here go through the history of the actions layer, so a change in
the admin is as traceable as one made in the application.
"""

from django import forms
from django.conf import settings
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import redirect_to_login
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache

from objectives import actions
from objectives.access import is_global_admin
from objectives.models import (
    AccessRefusal,
    BudgetAmount,
    BudgetArticle,
    Change,
    Indicator,
    LateReminderRound,
    Legislature,
    Lens,
    LensEntry,
    Measurement,
    Membership,
    Milestone,
    Objective,
    Organisation,
    Person,
    Process,
    Programme,
    Project,
    ReportingCalendar,
    ReportingDeadline,
    SentReminder,
    StatusReport,
    StructureElement,
    Target,
    User,
)
from objectives.periods import Period


class GlobalAdministratorSite(admin.AdminSite):
    site_header = "Traject"
    site_title = "Traject"

    def has_permission(self, request):
        return is_global_admin(request.user)

    @method_decorator(never_cache)
    @method_decorator(login_not_required)
    def login(self, request, extra_context=None):
        # Without passwords the admin's own form must not take one either.
        if not settings.LOCAL_LOGIN_ENABLED:
            next_url = request.GET.get("next") or reverse("admin:index")
            return redirect_to_login(next_url)
        return super().login(request, extra_context)


site = GlobalAdministratorSite(name="admin")


def _described(obj, names):
    values = {}
    for name in names:
        if obj._meta.get_field(name).many_to_many:
            values[name] = actions.describe(list(getattr(obj, name).all()))
        else:
            values[name] = actions.describe(getattr(obj, name))
    return values


class HistoryAdmin(admin.ModelAdmin):
    """Writes a row of change history for every save and deletion, and keeps
    the invariants that the actions layer keeps."""

    def save_model(self, request, obj, form, change):
        if change:
            stored = type(obj).objects.get(pk=obj.pk)
            form.values_before_save = _described(stored, form.changed_data)
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        obj = form.instance
        actions.settle_after_form_save(obj)

        before = getattr(form, "values_before_save", {})
        after = _described(obj, form.changed_data)
        changes = {
            name: [before.get(name), value]
            for name, value in after.items()
            if before.get(name) != value
        }
        kind = Change.Kind.UPDATED if change else Change.Kind.CREATED
        if changes or not change:
            actions.record_change(obj, kind, changes, acting_user=request.user)

    def delete_model(self, request, obj):
        actions.record_change(
            obj,
            Change.Kind.DELETED,
            {"name": [str(obj), None]},
            acting_user=request.user,
        )
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)


class ComponentAdmin(HistoryAdmin):
    list_display = [
        "code",
        "title",
        "lead_organisation",
        "confidentiality",
        "is_archived",
    ]
    list_filter = ["confidentiality", "is_archived", "reporting_frequency"]
    search_fields = ["code", "title", "description"]
    autocomplete_fields = ["lead_organisation", "organisations", "responsible"]
    readonly_fields = ["public_id", "created_at", "updated_at"]


@admin.register(User, site=site)
class TrajectUserAdmin(UserAdmin):
    fieldsets = [
        *UserAdmin.fieldsets,
        ("Traject", {"fields": ["is_global_admin", "oidc_subject"]}),
    ]
    readonly_fields = ["oidc_subject"]
    list_display = ["username", "email", "is_global_admin", "is_active"]
    list_filter = ["is_global_admin", "is_active"]


@admin.register(Organisation, site=site)
class OrganisationAdmin(HistoryAdmin):
    list_display = ["ovo_number", "name", "short_name", "kind", "valid_until"]
    list_filter = ["kind"]
    search_fields = ["ovo_number", "name", "short_name"]
    autocomplete_fields = ["parent"]


@admin.register(Person, site=site)
class PersonAdmin(HistoryAdmin):
    list_display = ["personnel_number", "last_name", "first_name", "email", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["personnel_number", "last_name", "first_name", "email"]
    autocomplete_fields = ["user"]


@admin.register(Membership, site=site)
class MembershipAdmin(HistoryAdmin):
    list_display = ["person", "organisation", "role", "source", "end_date"]
    list_filter = ["role", "source"]
    search_fields = ["person__last_name", "organisation__name"]
    autocomplete_fields = ["person", "organisation"]


@admin.register(Legislature, site=site)
class LegislatureAdmin(HistoryAdmin):
    list_display = ["name", "start_date", "end_date"]


@admin.register(Objective, site=site)
class ObjectiveAdmin(ComponentAdmin):
    list_display = [*ComponentAdmin.list_display, "level", "legislature"]
    list_filter = [*ComponentAdmin.list_filter, "level", "legislature"]
    autocomplete_fields = [
        *ComponentAdmin.autocomplete_fields,
        "parent",
        "contributes_to",
        "projects",
        "processes",
        "indicators",
    ]


@admin.register(Project, site=site)
class ProjectAdmin(ComponentAdmin):
    autocomplete_fields = [*ComponentAdmin.autocomplete_fields, "members"]


@admin.register(Milestone, site=site)
class MilestoneAdmin(HistoryAdmin):
    list_display = ["code", "title", "project", "due_date", "completed_on"]
    search_fields = ["code", "title", "project__code"]
    autocomplete_fields = ["project", "assignee"]


@admin.register(Process, site=site)
class ProcessAdmin(ComponentAdmin):
    list_filter = [*ComponentAdmin.list_filter, "is_imported"]


@admin.register(Programme, site=site)
class ProgrammeAdmin(ComponentAdmin):
    list_filter = [*ComponentAdmin.list_filter, "is_government_wide"]
    autocomplete_fields = [*ComponentAdmin.autocomplete_fields, "projects"]


@admin.register(Indicator, site=site)
class IndicatorAdmin(ComponentAdmin):
    list_filter = [*ComponentAdmin.list_filter, "kind"]


@admin.register(Target, site=site)
class TargetAdmin(HistoryAdmin):
    list_display = ["indicator", "period_start", "period_end", "value"]
    autocomplete_fields = ["indicator"]


class MeasurementAdminForm(forms.ModelForm):
    """Refuses a measurement of a closed period, as the actions do: a
    correction goes through the correction page, with its reason."""

    class Meta:
        model = Measurement
        fields = [
            "indicator",
            "period_start",
            "period_end",
            "value",
            "note",
            "entered_by",
            "created_at",
        ]

    def clean(self):
        """The measurement as it was and as it would become: neither may lie
        in a closed period."""
        cleaned_data = super().clean()
        checked = []
        if self.instance.pk is not None:
            stored = Measurement.objects.get(pk=self.instance.pk)
            checked.append(
                (stored.indicator, Period(stored.period_start, stored.period_end))
            )
        indicator = cleaned_data.get("indicator")
        start, end = cleaned_data.get("period_start"), cleaned_data.get("period_end")
        if indicator is not None and start and end and end >= start:
            checked.append((indicator, Period(start, end)))
        for subject, period in checked:
            closure = actions.closure_of(subject, period)
            if closure is not None:
                raise actions.PeriodClosed(closure, period)
        return cleaned_data


@admin.register(Measurement, site=site)
class MeasurementAdmin(HistoryAdmin):
    form = MeasurementAdminForm
    list_display = ["indicator", "period_start", "period_end", "value"]
    autocomplete_fields = ["indicator"]
    readonly_fields = ["value_before_correction", "correction_reason"]

    def has_delete_permission(self, request, obj=None):
        if obj is not None and actions.closure_of(
            obj.indicator, Period(obj.period_start, obj.period_end)
        ):
            return False
        return super().has_delete_permission(request, obj)


class ReadOnlyAdmin(admin.ModelAdmin):
    """For history: it can be read here, never changed."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(StatusReport, site=site)
class StatusReportAdmin(ReadOnlyAdmin):
    list_display = ["period_start", "colour", "created_at", "author"]
    list_filter = ["colour"]


class LensEntryInline(admin.TabularInline):
    model = LensEntry
    fk_name = "lens"
    autocomplete_fields = ["objective", "parent"]
    extra = 0


@admin.register(Lens, site=site)
class LensAdmin(HistoryAdmin):
    list_display = ["name", "kind", "organisation", "legislature"]
    list_filter = ["kind"]
    search_fields = ["name"]
    autocomplete_fields = ["organisation", "coordinators"]
    inlines = [LensEntryInline]


@admin.register(LensEntry, site=site)
class LensEntryAdmin(HistoryAdmin):
    search_fields = ["heading", "objective__code", "objective__title"]


@admin.register(StructureElement, site=site)
class StructureElementAdmin(HistoryAdmin):
    list_display = ["code", "title", "policy_domain"]
    search_fields = ["code", "title"]
    autocomplete_fields = ["policy_domain"]


class BudgetAmountInline(admin.TabularInline):
    model = BudgetAmount
    extra = 0


@admin.register(BudgetArticle, site=site)
class BudgetArticleAdmin(HistoryAdmin):
    list_display = ["code", "title"]
    search_fields = ["code", "title"]
    autocomplete_fields = ["structure_elements"]
    inlines = [BudgetAmountInline]


@admin.register(Change, site=site)
class ChangeAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "kind", "content_type", "object_id", "actor"]
    list_filter = ["kind", "content_type"]


# The reporting cycle ---------------------------------------------------------


class ReportingDeadlineInline(admin.TabularInline):
    model = ReportingDeadline
    extra = 1


@admin.register(ReportingCalendar, site=site)
class ReportingCalendarAdmin(HistoryAdmin):
    list_display = [
        "lens",
        "frequency",
        "delivery_days",
        "operational_days",
        "strategic_days",
    ]
    list_filter = ["frequency"]
    search_fields = ["lens__name"]
    autocomplete_fields = ["lens"]
    inlines = [ReportingDeadlineInline]


@admin.register(SentReminder, site=site)
class SentReminderAdmin(admin.ModelAdmin):
    """What was sent, for answering "did I get a reminder?"; never edited."""

    list_display = ["user", "subject_kind", "subject_id", "period_end", "stage"]
    list_filter = ["stage", "subject_kind"]
    search_fields = ["user__username"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(LateReminderRound, site=site)
class LateReminderRoundAdmin(admin.ModelAdmin):
    list_display = [
        "organisation",
        "period_start",
        "requested_on",
        "requested_by",
        "recipient_count",
    ]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(AccessRefusal, site=site)
class AccessRefusalAdmin(ReadOnlyAdmin):
    list_display = ["at", "user", "method", "path", "status", "component_type"]
    list_filter = ["status", "component_type"]
    search_fields = ["user__username", "path"]
