from django.contrib.auth.backends import BaseBackend


class GlobalAdministratorBackend(BaseBackend):
    """Gives an active global administrator every model permission, which is
    what the Django admin asks for; per-component rules live in ``access``."""

    def has_perm(self, user_obj, perm, obj=None):
        return bool(user_obj.is_active and getattr(user_obj, "is_global_admin", False))

    def has_module_perms(self, user_obj, app_label):
        return self.has_perm(user_obj, f"{app_label}.*")
