"""Every page's error summary lists a form's problems, each linked to where it is fixed."""

from django import forms
from django.template.loader import render_to_string


class ChoiceForm(forms.Form):
    name = forms.CharField(error_messages={"required": "Enter the name"})
    kind = forms.ChoiceField(
        choices=[("a", "A"), ("b", "B")],
        widget=forms.RadioSelect,
        error_messages={"required": "Select the kind"},
    )

    def clean(self):
        raise forms.ValidationError("Nothing was saved")


class OrderedForm(ChoiceForm):
    def summary(self) -> list[tuple[str, str]]:
        return [("kind-a", "Select the kind"), ("", "Nothing was saved")]


def _items(html: str) -> list[str]:
    return [line.strip() for line in html.splitlines() if line.strip().startswith("<li>")]


def test_the_summary_links_each_message_to_its_field_after_the_forms_own():
    html = render_to_string("_error_summary.html", {"form": ChoiceForm(data={})})
    assert "There is a problem" in html
    assert _items(html) == [
        "<li>Nothing was saved</li>",
        '<li><a href="#id_name">Enter the name</a></li>',
        '<li><a href="#id_kind_0">Select the kind</a></li>',
    ]


def test_a_form_that_orders_its_own_summary_is_listed_as_it_says():
    html = render_to_string("_error_summary.html", {"form": OrderedForm(data={})})
    assert _items(html) == [
        '<li><a href="#kind-a">Select the kind</a></li>',
        "<li>Nothing was saved</li>",
    ]


def test_a_form_without_problems_shows_no_summary():
    form = ChoiceForm(data={"name": "x", "kind": "a"})
    form.clean = lambda: form.cleaned_data  # type: ignore[method-assign]
    assert render_to_string("_error_summary.html", {"form": form}).strip() == ""
