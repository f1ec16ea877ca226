from django.shortcuts import render
from django.views.decorators.http import require_GET

from .models import Principle, SubStrategy


@require_GET
def home(request):
    return render(
        request,
        "strategy/home.html",
        {
            "principles": Principle.objects.all(),
            "substrategies": SubStrategy.objects.all(),
        },
    )
