from django.urls import path

from . import views

app_name = "subscriptions"

urlpatterns = [
    path("benachrichtigungen/", views.overview_request, name="index"),
    path("benachrichtigungen/abonnieren/", views.subscribe, name="subscribe"),
    path("benachrichtigungen/uebersicht/", views.request_overview, name="request-overview"),
    path("benachrichtigungen/bestaetigen/<str:token>/", views.confirm, name="confirm"),
    path("benachrichtigungen/abmelden/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("benachrichtigungen/verwalten/<str:token>/", views.manage, name="manage"),
]
