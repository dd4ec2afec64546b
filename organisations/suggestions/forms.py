"""The public's forms: suggest a change to a listing, suggest an organisation.

What a visitor sends is saved as a ``Suggestion`` for editors to review; nothing is published.
"""

from django import forms
from django.db import models
from django.utils.formats import number_format
from django.utils.translation import gettext, ngettext, ngettext_lazy
from django.utils.translation import gettext_lazy as _

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
        # Translators: the label of a field hidden from people, which only robots fill in.
        label=_("Leave this empty"),
        required=False,
        max_length=200,
        strip=False,
    )

    class Meta:
        model = Suggestion
        fields = ["details", "contact_email", "contact_consent"]
        formfield_callback = formfield
        labels = {
            "contact_email": _("Your email address (optional)"),
            "contact_consent": _("You may email me about this suggestion"),
        }
        help_texts = {
            "contact_email": _("Only if you are happy for an editor to ask you about it."),
            "contact_consent": _(
                "We keep your email address only if you tick this, and delete it with the "
                "suggestion."
            ),
        }
        error_messages = {
            "contact_email": {
                # Translators: name@example.com is an example address: keep it as it is.
                "invalid": _("Enter an email address like name@example.com, or leave it empty.")
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
        # The limit as the language writes a number ("2,000"): put in here, as the validator
        # gives it only as a bare number; %(show_value)d is left for the validator to fill in.
        limit = Suggestion.DETAILS_MAX_LENGTH
        self.fields["details"].error_messages["max_length"] = ngettext(
            # Translators: %(limit)s is the most characters the details may have;
            # %(show_value)d how many the visitor wrote.
            "Details must be %(limit)s character or fewer (you wrote %(show_value)d).",
            "Details must be %(limit)s characters or fewer (you wrote %(show_value)d).",
            limit,
        ).replace("%(limit)s", number_format(limit, force_grouping=True))

    def is_robot(self):
        """True when the hidden honeypot field came back filled in."""
        return bool(str(self.data.get(HONEYPOT, "")).strip())

    def clean(self):
        cleaned = super().clean()
        email = cleaned.get("contact_email")
        if email and not cleaned.get("contact_consent"):
            self.add_error(
                "contact_consent",
                gettext("Tick this box if we may email you, or leave the email address empty."),
            )
        elif not email:
            cleaned["contact_consent"] = False  # consent to nothing is not stored
        return cleaned


class SuggestChangeForm(SuggestionForm):
    """What is wrong with one organisation's listing; the view sets the organisation."""

    problems = forms.MultipleChoiceField(
        # Translators: about an organisation's listing in the directory.
        label=_("What is wrong or out of date?"),
        help_text=_("Choose all that apply."),
        choices=PROBLEM_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _("Choose at least one thing that is wrong or out of date."),
            "invalid_choice": _("Choose from the options listed."),
        },
    )

    class Meta(SuggestionForm.Meta):
        fields = ["details", "contact_email", "contact_consent"]
        labels = {
            **SuggestionForm.Meta.labels,
            "details": _(
                # Translators: “Something else” is the last choice of "What is wrong or out of
                # date?": write it as you translated that choice.
                "What should it say instead? (optional unless you chose “Something else”)"
            ),
        }
        help_texts = {
            **SuggestionForm.Meta.help_texts,
            "details": _(
                "For example the new phone number, or where you saw the correct details. "
                "Please do not include personal or health information."
            ),
        }

    field_order = ["problems", "details", "contact_email", "contact_consent"]

    def clean(self):
        cleaned = super().clean()
        problems = cleaned.get("problems") or []
        if "other_wrong" in problems and cleaned.get("details") == "":
            self.add_error("details", gettext("Tell us what else is wrong."))
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
            "organisation_name": _("Name of the organisation"),
            "organisation_website": _("Its website (optional)"),
            "details": _("What support does it offer, and to whom? (optional)"),
        }
        help_texts = {
            **SuggestionForm.Meta.help_texts,
            "details": _("Please do not include personal or health information."),
        }
        error_messages = {
            **SuggestionForm.Meta.error_messages,
            "organisation_name": {"required": _("Enter the name of the organisation.")},
            "organisation_website": {
                # Translators: https://www.example.org is an example address: keep it as it is.
                "invalid": _("Enter a web address like https://www.example.org, or leave it empty.")
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
            # The validator fills in both numbers, and chooses the plural form by the limit.
            self.fields[name].error_messages["max_length"] = ngettext_lazy(
                # Translators: %(limit_value)d is the most characters the answer may have;
                # %(show_value)d how many the visitor wrote.
                "This must be %(limit_value)d character or fewer (you wrote %(show_value)d).",
                "This must be %(limit_value)d characters or fewer (you wrote %(show_value)d).",
                "limit_value",
            )
