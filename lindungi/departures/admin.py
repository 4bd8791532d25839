from django.contrib import admin

from lindungi.departures.models import CheckpointPost, PostAssignment


@admin.register(CheckpointPost)
class CheckpointPostAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "kind", "regency", "active")
    list_filter = ("kind", "active")
    search_fields = ("code", "name")


@admin.register(PostAssignment)
class PostAssignmentAdmin(admin.ModelAdmin):
    list_display = ("user", "post", "since")
    list_select_related = ("user", "post")
    autocomplete_fields = ("post",)
