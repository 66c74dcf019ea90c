from django.contrib import admin

from clausier.core.admin_scoping import ReadOnlyScopedAdmin
from clausier.core.models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyScopedAdmin):
    list_display = ("at", "actor", "action", "object_type", "object_repr", "client", "ip_address")
    list_filter = ("action", "object_type")
    search_fields = ("object_repr", "actor__email", "action")
    date_hierarchy = "at"
