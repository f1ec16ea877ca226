from django.urls import path

from . import codes, views

codes.register_converters(codes.CONVERTERS)

app_name = "strategy"

urlpatterns = [
    path("leitbild/", views.leitbild, name="leitbild"),
    path("ziele/<goal_code:code>/", views.goal_detail, name="goal-detail"),
    path("barriere-melden/", views.report_barrier, name="barriere-melden"),
    path("gebaerdensprache/", views.sign_language, name="gebaerdensprache"),
    path(
        "gebaerdensprache/videos/<int:pk>/<str:kind>/",
        views.sign_language_file,
        name="sign-language-file",
    ),
    *[
        path(f"{page}/", views.info_page, {"page": page}, name=page)
        for page in views.INFO_PAGES
        if page not in {"barriere-melden", "gebaerdensprache"}
    ],
    # Last: the Teilstrategien live at the top level, /smart-city/ and /e-government/.
    path("<slug:slug>/", views.substrategy_detail, name="substrategy-detail"),
]
