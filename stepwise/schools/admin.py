"""The installation administrator sets attendance services' catchments here."""

from django.contrib import admin

from .models import CatchmentSchool


@admin.register(CatchmentSchool)
class CatchmentSchoolAdmin(admin.ModelAdmin):
    list_display = ("service", "school")
    list_filter = ("service",)
    list_select_related = ("service", "school")
