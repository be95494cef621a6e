"""Rename the default-named terms that start in a later calendar year than their school year.

Terms were named by their school year: England's spring and summer terms of 2025/26 read
"Spring 2025" and "Summer 2025" though they run in 2026. A term its school renamed is
left as it is.
"""

from django.db import migrations


def name_by_calendar_year(apps, schema_editor):
    from stepwise.rules.pack import load_pack

    Term = apps.get_model("schools", "Term")
    for term in Term.objects.select_related("school"):
        if term.start.year == term.year:
            continue
        names = load_pack(term.school.pack).calendar.term_names
        label = names[term.number - 1] if term.number <= len(names) else f"Term {term.number}"
        if term.name == f"{label} {term.year}":
            term.name = f"{label} {term.start.year}"
            term.save(update_fields=["name"])


class Migration(migrations.Migration):
    dependencies = [("schools", "0004_catchment_school")]
    operations = [migrations.RunPython(name_by_calendar_year, migrations.RunPython.noop)]
