from django import forms

from measures.models import StatusUpdate


class StandForm(forms.ModelForm):
    """The one-minute Stand: status, progress, a note and, if there is one, evidence. Dated
    today; measures.updates.record_stand checks and saves it."""

    class Meta:
        model = StatusUpdate
        fields = ["status", "progress", "note", "evidence_url", "evidence_title"]
        widgets = {
            "note": forms.Textarea(attrs={"rows": 3, "cols": 60}),
            "evidence_url": forms.URLInput(attrs={"size": 60}),
            "evidence_title": forms.TextInput(attrs={"size": 60}),
        }
        help_texts = {"note": "Kurz: was ist seit der letzten Meldung geschehen?"}


class SettingsForm(forms.Form):
    reminders_paused = forms.BooleanField(
        label="Erinnerungen pausieren",
        required=False,
        help_text="Solange angekreuzt, kommt keine wöchentliche Erinnerung per E-Mail.",
    )
    all_units_digest = forms.BooleanField(
        label="Erinnerung für alle Organisationseinheiten",
        required=False,
        help_text="Die wöchentliche Erinnerung nennt die Maßnahmen aller "
        "Organisationseinheiten, nicht nur die eigenen.",
    )
