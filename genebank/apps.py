from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GenebankConfig(AppConfig):
    name = "genebank"
    verbose_name = _("Gene bank")
