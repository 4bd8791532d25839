"""Admin: checkpoint posts are reference data (``reference.write``); who works at which post is an
account matter (``user.manage``). Every change is audited; rows are never deleted (checks point at
them): close a post with ``active`` instead."""

from django.contrib import admin

from lindungi.accounts.perms import USER_MANAGE
from lindungi.departures.models import CheckpointPost, PostAssignment
from lindungi.reference.admin import AuditedAdmin


@admin.register(CheckpointPost)
class CheckpointPostAdmin(AuditedAdmin):
    list_display = ("code", "name", "kind", "regency", "active")
    list_filter = ("kind", "active")
    search_fields = ("code", "name")


@admin.register(PostAssignment)
class PostAssignmentAdmin(AuditedAdmin):
    write_perm = USER_MANAGE
    list_display = ("user", "post", "since")
    list_select_related = ("user", "post")
    autocomplete_fields = ("post",)
