from django import forms

from iserlohn_digital.text import NormalizedCharField

from .models import BarrierReport


class BarrierReportForm(forms.ModelForm):
    """The feedback form of § 10b BGG NRW. `website` is a trap for bots: people never see
    or fill it."""

    website = forms.CharField(required=False, label="Bitte leer lassen")

    class Meta:
        model = BarrierReport
        fields = ["page", "description", "name", "email"]
        labels = {
            "page": "Auf welcher Seite ist die Barriere?",
            "description": "Was ist die Barriere?",
            "name": "Ihr Name (freiwillig)",
            "email": "Ihre E-Mail-Adresse für eine Antwort (freiwillig)",
        }
        help_texts = {
            "page": "Die Adresse der Seite oder ihr Titel.",
            "description": "Beschreiben Sie bitte, was nicht funktioniert und womit Sie die "
            "Seite nutzen (zum Beispiel Bildschirmleser, Tastatur, Vergrößerung).",
        }
        widgets = {"description": forms.Textarea(attrs={"rows": 6})}
        field_classes = dict.fromkeys(["page", "description", "name"], NormalizedCharField)
        error_messages = {
            "page": {"required": "Bitte geben Sie an, auf welcher Seite die Barriere ist."},
            "description": {"required": "Bitte beschreiben Sie die Barriere."},
            "email": {
                "invalid": "Bitte geben Sie eine gültige E-Mail-Adresse an, z. B. name@example.org."
            },
        }

    def is_spam(self):
        return bool(self.cleaned_data.get("website"))
