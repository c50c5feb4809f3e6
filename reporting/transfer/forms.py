"""The forms of the export and import pages."""

from django import forms
from django.utils.translation import gettext_lazy as _

from objectives import access
from objectives.models import Organisation
from reporting.transfer import exporting
from reporting.transfer.resources import KINDS


class ExportForm(forms.Form):
    kind = forms.ChoiceField(label=_("What"), widget=forms.RadioSelect)
    organisation = forms.ModelChoiceField(
        label=_("Lead organisation"),
        queryset=Organisation.objects.none(),
        to_field_name="ovo_number",
        required=False,
        empty_label=_("— every organisation whose rows I may see —"),
        help_text=_("Only the rows you may see are exported."),
    )
    file_format = forms.ChoiceField(
        label=_("Format"),
        choices=[
            (exporting.XLSX, _("Excel workbook (.xlsx)")),
            (exporting.CSV, _("CSV file (.csv), separated by semicolons")),
        ],
        initial=exporting.XLSX,
        widget=forms.RadioSelect,
    )

    def __init__(self, data=None, *, user):
        super().__init__(data)
        self.fields["kind"].choices = [
            (slug, kind.label) for slug, kind in KINDS.items()
        ]
        self.fields["kind"].initial = next(iter(KINDS))
        if access.is_global_admin(user):
            organisations = Organisation.objects.all()
        else:
            organisations = access.organisations_of(user)
        self.fields["organisation"].queryset = organisations.order_by("name")


class ImportForm(forms.Form):
    kind = forms.ChoiceField(label=_("What"), widget=forms.RadioSelect)
    file = forms.FileField(
        label=_("File"),
        help_text=_(
            "An Excel workbook (.xlsx) or a CSV file of at most 10 MB, with the "
            "columns described below; an export is a good start."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )

    def __init__(self, data=None, files=None, *, kinds):
        super().__init__(data, files)
        self.fields["kind"].choices = [(slug, KINDS[slug].label) for slug in kinds]
        self.fields["kind"].initial = kinds[0]
