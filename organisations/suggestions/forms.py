"""The public's forms: suggest a change to a listing, suggest an organisation.

What a visitor sends is saved as a ``Suggestion`` for editors to review; nothing is published.
"""

from django import forms
from django.db import models

from .models import Suggestion

# Filled in only by robots: the field is hidden from people by CSS (.app-suggest__trap), and a
# form that comes back with it filled in is thanked and dropped.
HONEYPOT = "homepage"
TEXT_WIDGETS = (forms.TextInput, forms.EmailInput, forms.URLInput, forms.Textarea)
PROBLEM_CHOICES = [(name, label) for name, label in Suggestion.PROBLEMS]


def formfield(model_field, **kwargs):
    """A web address typed without a scheme ("nur.org.uk") is taken to be https."""
    if isinstance(model_field, models.URLField):
        kwargs["assume_scheme"] = "https"
    return model_field.formfield(**kwargs)


class SuggestionForm(forms.ModelForm):
    """What both forms share: details, an optional email with consent, and the honeypot."""

    # Not a model field: robots find it, people never see it.
    homepage = forms.CharField(
        label="Leave this empty", required=False, max_length=200, strip=False
    )

    class Meta:
        model = Suggestion
        fields = ["details", "contact_email", "contact_consent"]
        formfield_callback = formfield
        labels = {
            "contact_email": "Your email address (optional)",
            "contact_consent": "You may email me about this suggestion",
        }
        help_texts = {
            "contact_email": "Only if you are happy for an editor to ask you about it.",
            "contact_consent": "We keep your email address only if you tick this, and delete it "
            "with the suggestion.",
        }
        error_messages = {
            "contact_email": {
                "invalid": "Enter an email address like name@example.com, or leave it empty."
            },
        }
        widgets = {"details": forms.Textarea(attrs={"rows": 6})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field.widget, TEXT_WIDGETS):
                field.widget.attrs.setdefault("class", "app-field__input")
        self.fields["contact_email"].widget.attrs["autocomplete"] = "email"
        self.fields[HONEYPOT].widget.attrs.update(
            {"tabindex": "-1", "autocomplete": "off", "class": "app-field__input"}
        )
        details = self.fields["details"]
        details.error_messages["max_length"] = (
            f"Details must be {Suggestion.DETAILS_MAX_LENGTH:,} characters or fewer "
            "(you wrote %(show_value)d)."
        )

    def is_robot(self):
        """True when the hidden honeypot field came back filled in."""
        return bool(str(self.data.get(HONEYPOT, "")).strip())

    def clean(self):
        cleaned = super().clean()
        email = cleaned.get("contact_email")
        if email and not cleaned.get("contact_consent"):
            self.add_error(
                "contact_consent",
                "Tick this box if we may email you, or leave the email address empty.",
            )
        elif not email:
            cleaned["contact_consent"] = False  # consent to nothing is not stored
        return cleaned


class SuggestChangeForm(SuggestionForm):
    """What is wrong with one organisation's listing; the view sets the organisation."""

    problems = forms.MultipleChoiceField(
        label="What is wrong or out of date?",
        help_text="Choose all that apply.",
        choices=PROBLEM_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Choose at least one thing that is wrong or out of date.",
            "invalid_choice": "Choose from the options listed.",
        },
    )

    class Meta(SuggestionForm.Meta):
        fields = ["details", "contact_email", "contact_consent"]
        labels = {
            **SuggestionForm.Meta.labels,
            "details": "What should it say instead? (optional unless you chose “Something else”)",
        }
        help_texts = {
            **SuggestionForm.Meta.help_texts,
            "details": "For example the new phone number, or where you saw the correct details. "
            "Please do not include personal or health information.",
        }

    field_order = ["problems", "details", "contact_email", "contact_consent"]

    def clean(self):
        cleaned = super().clean()
        problems = cleaned.get("problems") or []
        if "other_wrong" in problems and cleaned.get("details") == "":
            self.add_error("details", "Tell us what else is wrong.")
        # The model keeps one true-or-false field for each problem.
        for name, _label in Suggestion.PROBLEMS:
            setattr(self.instance, name, name in problems)
        return cleaned


class SuggestOrganisationForm(SuggestionForm):
    """An organisation the directory does not list yet."""

    class Meta(SuggestionForm.Meta):
        fields = [
            "organisation_name",
            "organisation_website",
            "details",
            "contact_email",
            "contact_consent",
        ]
        labels = {
            **SuggestionForm.Meta.labels,
            "organisation_name": "Name of the organisation",
            "organisation_website": "Its website (optional)",
            "details": "What support does it offer, and to whom? (optional)",
        }
        help_texts = {
            **SuggestionForm.Meta.help_texts,
            "details": "Please do not include personal or health information.",
        }
        error_messages = {
            **SuggestionForm.Meta.error_messages,
            "organisation_name": {"required": "Enter the name of the organisation."},
            "organisation_website": {
                "invalid": "Enter a web address like https://www.example.org, or leave it empty."
            },
        }
        widgets = {
            **SuggestionForm.Meta.widgets,
            "organisation_website": forms.URLInput(),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation_name"].required = True
        for name in ("organisation_name", "organisation_website"):
            self.fields[name].error_messages["max_length"] = (
                "This must be %(limit_value)d characters or fewer (you wrote %(show_value)d)."
            )
