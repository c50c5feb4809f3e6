from django.contrib.auth.models import AbstractUser
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

ovo_number_validator = RegexValidator(
    r"^OVO\d{6}$", _("An OVO number is OVO followed by six digits.")
)
personnel_number_validator = RegexValidator(
    r"^\d{6}$", _("A personnel number has six digits.")
)


class User(AbstractUser):
    """An account that can log in; roles come from its person's memberships."""

    is_global_admin = models.BooleanField(
        _("global administrator"),
        default=False,
        help_text=_("Manages everything in every organisation."),
    )
    oidc_subject = models.CharField(
        _("single sign-on subject"),
        max_length=255,
        unique=True,
        null=True,
        blank=True,
        editable=False,
        help_text=_(
            "The identity platform's stable identifier of this account; "
            "single sign-on finds the account by it."
        ),
    )

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"

    def __str__(self):
        return self.get_full_name() or self.username


class Organisation(models.Model):
    """An entity mirrored from the organisation registry."""

    class Kind(models.TextChoices):
        POLICY_DOMAIN = "policy_domain", _("policy domain")
        DEPARTMENT = "department", _("department")
        AGENCY = "agency", _("agency")
        OTHER = "other", _("other")

    ovo_number = models.CharField(
        _("OVO number"),
        max_length=9,
        unique=True,
        validators=[ovo_number_validator],
    )
    name = models.CharField(_("name"), max_length=300)
    short_name = models.CharField(_("short name"), max_length=60, blank=True)
    kind = models.CharField(
        _("kind"), max_length=20, choices=Kind.choices, default=Kind.OTHER
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    kbo_number = models.CharField(_("KBO number"), max_length=10, blank=True)
    registry_id = models.UUIDField(
        _("identifier in the organisation registry"),
        unique=True,
        null=True,
        blank=True,
        editable=False,
    )
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True)
                | Q(valid_from__isnull=True)
                | Q(valid_until__gte=models.F("valid_from")),
                name="organisation_validity_ordered",
            )
        ]

    def __str__(self):
        return self.short_name or self.name

    def get_absolute_url(self):
        return reverse("objectives:organisation_detail", args=[self.ovo_number])

    def is_valid_on(self, day):
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_until is None or self.valid_until >= day
        )


class Person(models.Model):
    """A staff member mirrored from the HR system; may not have logged in yet."""

    personnel_number = models.CharField(
        _("personnel number"),
        max_length=6,
        unique=True,
        validators=[personnel_number_validator],
    )
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    email = models.EmailField(_("e-mail"), blank=True)
    function = models.CharField(_("function"), max_length=200, blank=True)
    user = models.OneToOneField(
        User,
        verbose_name=_("account"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="person",
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["last_name", "first_name"]
        verbose_name = _("person")
        verbose_name_plural = _("people")

    def __str__(self):
        return self.full_name

    @property
    def full_name(self):
        return f"{self.first_name} {self.last_name}"


class MembershipQuerySet(models.QuerySet):
    def active(self, day=None):
        day = day or timezone.localdate()
        return self.filter(
            Q(start_date__isnull=True) | Q(start_date__lte=day),
            Q(end_date__isnull=True) | Q(end_date__gte=day),
            person__is_active=True,
        )


class Membership(models.Model):
    """A person's entity-wide role in one organisation."""

    class Role(models.TextChoices):
        READER = "reader", _("reader")
        CONTRIBUTOR = "contributor", _("contributor")
        ADMINISTRATOR = "administrator", _("administrator")

    class Source(models.TextChoices):
        HR = "hr", _("HR system")
        MANUAL = "manual", _("granted by hand")

    person = models.ForeignKey(
        Person,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    source = models.CharField(
        _("source"), max_length=10, choices=Source.choices, default=Source.MANUAL
    )
    start_date = models.DateField(_("start date"), null=True, blank=True)
    end_date = models.DateField(_("end date"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["organisation__name", "person__last_name"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["person", "organisation"],
                name="membership_one_role_per_organisation",
            )
        ]
        indexes = [
            # The access layer's join: which organisations may this person see.
            models.Index(
                fields=["person", "organisation", "role"],
                name="membership_access_idx",
            ),
        ]

    def __str__(self):
        return f"{self.person} · {self.organisation} · {self.get_role_display()}"
