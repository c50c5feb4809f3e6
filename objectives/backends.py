from django.contrib.auth.backends import BaseBackend, ModelBackend


class ActivePersonBackend(ModelBackend):
    """Django's password login, refused to the account of a person who is no
    longer active (who left, according to the HR system). Their sessions end
    when they are deactivated; this keeps them from starting a new one."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        from objectives.models import Person

        user = super().authenticate(request, username, password, **kwargs)
        if user is None:
            return None
        if Person.objects.filter(user=user, is_active=False).exists():
            return None
        return user


class GlobalAdministratorBackend(BaseBackend):
    """Gives an active global administrator every model permission, which is
    what the Django admin asks for; per-component rules live in ``access``."""

    def has_perm(self, user_obj, perm, obj=None):
        return bool(user_obj.is_active and getattr(user_obj, "is_global_admin", False))

    def has_module_perms(self, user_obj, app_label):
        return self.has_perm(user_obj, f"{app_label}.*")
