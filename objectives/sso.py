"""Single sign-on through OpenID Connect: who a login of the identity platform
(ACM/IDM) is in Traject.

An account is found only by the platform's stable subject identifier, never
by its e-mail. A first login creates the account and links it to the HR
feed's person: among the active people with an active membership in the
organisation the platform names by its OVO number, the one with the same
e-mail, else the one with the same first and last name, when exactly one
matches and no other account holds that person yet. Without a match the
account exists without a person: it sees nothing until a global administrator
links it (or a later login finds the person). Roles stay managed in Traject.
"""

import logging
import re
from dataclasses import dataclass

import jwt
import requests
from django.conf import settings
from django.core.exceptions import SuspiciousOperation, ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext_lazy as _
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from objectives import actions
from objectives.models import Membership, Person, User

logger = logging.getLogger(__name__)

OVO_NUMBER = re.compile(r"OVO\d{6}")
NAME_LENGTH = User._meta.get_field("first_name").max_length
EMAIL_LENGTH = User._meta.get_field("email").max_length
SUBJECT_LENGTH = User._meta.get_field("oidc_subject").max_length


class LoginRefused(Exception):
    """A single sign-on that logs nobody in; ``reason`` is shown to the user."""

    def __init__(self, reason):
        super().__init__(str(reason))
        self.reason = reason


@dataclass(frozen=True)
class Identity:
    """What Traject reads from the identity platform's claims."""

    subject: str
    ovo_number: str
    first_name: str
    last_name: str
    email: str


def _text(claims, key):
    value = claims.get(settings.OIDC_CLAIMS[key])
    return value.strip() if isinstance(value, str) else ""


def read_identity(claims):
    """The identity in ``claims``, or ``LoginRefused`` when the claims do not
    say who logs in (no subject) or for which organisation (no OVO number)."""
    subject = _text(claims, "subject")
    if not subject or len(subject) > SUBJECT_LENGTH:
        raise LoginRefused(
            _("The identity platform sent no usable identifier of your account.")
        )
    ovo_number = _text(claims, "ovo_number")
    if not OVO_NUMBER.fullmatch(ovo_number):
        raise LoginRefused(
            _(
                "The identity platform did not name your organisation by a valid "
                "OVO number (OVO followed by six digits)."
            )
        )
    email = _text(claims, "email")[:EMAIL_LENGTH]
    try:
        validate_email(email)
    except ValidationError:
        email = ""
    return Identity(
        subject=subject,
        ovo_number=ovo_number,
        first_name=_text(claims, "first_name")[:NAME_LENGTH],
        last_name=_text(claims, "last_name")[:NAME_LENGTH],
        email=email,
    )


def find_person(identity):
    """The HR feed's person of ``identity``, or None (and why, for the log)."""
    candidates = Person.objects.filter(
        pk__in=Membership.objects.active()
        .filter(organisation__ovo_number=identity.ovo_number)
        .values("person_id")
    )
    matches = []
    if identity.email:
        matches = list(candidates.filter(email__iexact=identity.email)[:2])
    if len(matches) != 1 and identity.first_name and identity.last_name:
        matches = list(
            candidates.filter(
                first_name__iexact=identity.first_name,
                last_name__iexact=identity.last_name,
            )[:2]
        )
    if len(matches) != 1:
        how = "several people match" if matches else "nobody matches"
        return None, f"{how} in {identity.ovo_number}"
    return matches[0], None


def person_of(user):
    try:
        return user.person
    except Person.DoesNotExist:
        return None


def choose_person(identity, user=None):
    """The person to link to ``user`` (a new account when None): the HR feed's
    one for ``identity``, unless another account holds it already. Logs why
    there is none."""
    person, why = find_person(identity)
    if person is not None and person.user_id not in (None, getattr(user, "pk", None)):
        why = f"person {person.personnel_number} already has another account"
        person = None
    if person is None:
        logger.warning(
            "Single sign-on links the account of subject %s to no person: %s",
            identity.subject,
            why,
        )
    return person


class SingleSignOnBackend(OIDCAuthenticationBackend):
    """mozilla-django-oidc's code flow, matching accounts on the subject.

    Every refusal is kept on the request as ``sso_refusal``, for the callback
    to show.
    """

    def authenticate(self, request, **kwargs):
        # Only the callback passes a nonce; a password login never gets here.
        if not settings.OIDC_ENABLED or request is None or "nonce" not in kwargs:
            return None
        try:
            return super().authenticate(request, **kwargs)
        except LoginRefused as refused:
            logger.warning("Single sign-on refused: %s", refused)
            request.sso_refusal = refused.reason
        except (SuspiciousOperation, jwt.InvalidTokenError) as error:
            logger.warning("Single sign-on refused a token: %s", error)
            request.sso_refusal = _(
                "The answer of the identity platform could not be verified."
            )
        except requests.RequestException as error:
            logger.warning("Single sign-on could not reach the platform: %s", error)
            request.sso_refusal = _(
                "The identity platform could not be reached or refused the login."
            )
        return None

    def verify_token(self, token, **kwargs):
        """The signature, expiry and nonce (by the library), then the issuer
        and audience, which the library leaves unchecked."""
        payload = super().verify_token(token, **kwargs)
        audience = payload.get("aud")
        audiences = audience if isinstance(audience, list) else [audience]
        if payload.get("iss") != settings.OIDC_ISSUER:
            raise SuspiciousOperation("The ID token comes from another issuer.")
        if self.OIDC_RP_CLIENT_ID not in audiences:
            raise SuspiciousOperation("The ID token is meant for another client.")
        if "exp" not in payload:
            raise SuspiciousOperation("The ID token does not expire.")
        return payload

    def get_userinfo(self, access_token, id_token, payload):
        claims = super().get_userinfo(access_token, id_token, payload)
        if claims.get("sub") != payload.get("sub"):
            raise SuspiciousOperation("The user info is about another subject.")
        return claims

    def verify_claims(self, claims):
        read_identity(claims)
        return True

    def filter_users_by_claims(self, claims):
        subject = read_identity(claims).subject
        return User.objects.filter(oidc_subject=subject).select_related("person")

    def create_user(self, claims):
        identity = read_identity(claims)
        user = actions.do_create_sso_account(
            subject=identity.subject,
            first_name=identity.first_name,
            last_name=identity.last_name,
            email=identity.email,
            person=choose_person(identity),
        )
        logger.info("Single sign-on created the account %s", user.username)
        return user

    def update_user(self, user, claims):
        identity = read_identity(claims)
        person = person_of(user)
        if not user.is_active or (person is not None and not person.is_active):
            raise LoginRefused(
                _(
                    "Your account in Traject is no longer active. Ask the "
                    "administrator of your organisation if this is wrong."
                )
            )
        actions.do_refresh_sso_account(
            user,
            first_name=identity.first_name,
            last_name=identity.last_name,
            email=identity.email,
        )
        if person is None:
            person = choose_person(identity, user)
            if person is not None:
                actions.do_link_account(person, user, acting_user=user)
        return user

    def get_user(self, user_id):
        """The account of a session opened by single sign-on, while it and
        its person stay active (the library's own version lets an account
        deactivated since in); one query, as ``ModelBackend``'s."""
        user = User.objects.select_related("person").filter(pk=user_id).first()
        if user is None or not self.user_can_authenticate(user):
            return None
        person = person_of(user)
        return None if person is not None and not person.is_active else user

    # Permissions come from ModelBackend, listed too; not asked twice here.

    def get_user_permissions(self, user_obj, obj=None):
        return set()

    def get_group_permissions(self, user_obj, obj=None):
        return set()

    def get_all_permissions(self, user_obj, obj=None):
        return set()

    def has_perm(self, user_obj, perm, obj=None):
        return False

    def has_module_perms(self, user_obj, app_label):
        return False
