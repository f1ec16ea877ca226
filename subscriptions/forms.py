from django import forms

from .models import Subscription


class OverviewForm(forms.Form):
    """An address: to ask for the link to the overview of its subscriptions."""

    email = forms.EmailField(
        label="E-Mail-Adresse",
        max_length=254,
        error_messages={
            "required": "Bitte geben Sie Ihre E-Mail-Adresse an.",
            "invalid": "Bitte geben Sie eine gültige E-Mail-Adresse an, z. B. name@beispiel.de.",
        },
    )

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()


class SubscribeForm(OverviewForm):
    frequency = forms.ChoiceField(
        label="Wie oft?",
        choices=Subscription.Frequency.choices,
        initial=Subscription.Frequency.IMMEDIATE,
        widget=forms.RadioSelect,
        error_messages={"required": "Bitte wählen Sie, wie oft Sie benachrichtigt werden möchten."},
    )
    target = forms.ChoiceField(choices=Subscription.Target.choices, widget=forms.HiddenInput)
    key = forms.CharField(max_length=120, required=False, widget=forms.HiddenInput)
    # Left empty by people, filled in by bots (hidden from both sight and screen readers).
    website = forms.CharField(required=False)

    def clean(self):
        cleaned = super().clean()
        target, key = cleaned.get("target"), cleaned.get("key", "")
        if target and not _exists(target, key):
            raise forms.ValidationError("Diese Seite lässt sich nicht abonnieren.")
        return cleaned

    def is_spam(self) -> bool:
        return bool(self.cleaned_data.get("website"))


def _exists(target: str, key: str) -> bool:
    """Whether the followed item is public."""
    from measures.models import FieldOfAction, Measure, Tag

    T = Subscription.Target
    if target == T.ALL:
        return key == ""
    if target == T.MEASURE:
        return Measure.objects.published().filter(code=key).exists()
    if target == T.FIELD:
        return FieldOfAction.objects.published().filter(slug=key).exists()
    return Tag.objects.filter(slug=key).exists()
