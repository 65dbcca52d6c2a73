"""Pages that belong to no single area: sign-in, dashboard, language and profile."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from kam.core.errors import DomainError
from kam.core.health import health_report
from kam.core.http import safe_next
from kam.org.http import AuthedRequest
from kam.org.login_limit import login_attempt_begin, login_succeeded
from kam.org.models import Language
from kam.org.selectors import token_get, tokens_of
from kam.org.services import token_create, token_revoke, user_set_language
from kam.web.dashboard import dashboard_for

ERROR_TOO_MANY_LOGINS = gettext_lazy("Too many failed sign-ins. Wait a few minutes and try again.")


def _client_address(request: HttpRequest) -> str:
    return str(request.META.get("REMOTE_ADDR", ""))


class RateLimitedAuthenticationForm(AuthenticationForm):
    def clean(self) -> dict[str, Any]:
        username = self.cleaned_data.get("username")
        if not username or not self.cleaned_data.get("password"):
            return super().clean()  # a field is missing: no password is checked
        address = _client_address(self.request) if self.request else ""
        # The attempt is counted before the password is checked (kam.org.login_limit).
        if not login_attempt_begin(username=username, address=address):
            raise ValidationError(ERROR_TOO_MANY_LOGINS, code="rate_limited")
        cleaned = super().clean()
        login_succeeded(username=username, address=address)
        return cleaned


class KamLoginView(auth_views.LoginView):
    template_name = "web/login.html"
    form_class = RateLimitedAuthenticationForm
    redirect_authenticated_user = True

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        response = super().form_valid(form)
        language = form.get_user().language
        if language:
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                language,
                samesite="Lax",
                secure=settings.SESSION_COOKIE_SECURE,
            )
        return response


class KamLogoutView(auth_views.LogoutView):
    pass


@login_required
def dashboard_view(request: AuthedRequest) -> HttpResponse:
    return render(
        request,
        "web/dashboard.html",
        {"dashboard": dashboard_for(actor=request.user), "section": "dashboard"},
    )


@require_POST
def set_language_view(request: HttpRequest) -> HttpResponse:
    """Switch the page language; signed-in users keep it as their preference."""
    language = request.POST.get("language", "")
    response = HttpResponseRedirect(safe_next(request, "/"))
    if language not in Language.values:
        return response
    if request.user.is_authenticated:
        user_set_language(user=request.user, language=language)
    translation.activate(language)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )
    return response


@login_required
def profile_view(request: AuthedRequest) -> HttpResponse:
    return render(
        request, "web/profile.html", {"tokens": tokens_of(request.user), "section": "profile"}
    )


@login_required
@require_POST
def token_create_view(request: AuthedRequest) -> HttpResponse:
    name = request.POST.get("name", "").strip()[:100]
    if not name:
        messages.error(request, _("Give the token a name, such as the tool that will use it."))
        return redirect("profile")
    try:
        token, raw = token_create(user=request.user, name=name)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("profile")
    return render(
        request,
        "web/profile.html",
        {
            "tokens": tokens_of(request.user),
            "new_token": raw,
            "new_token_name": token.name,
            "section": "profile",
        },
    )


@login_required
@require_POST
def token_revoke_view(request: AuthedRequest, token_id: int) -> HttpResponse:
    token = token_revoke(token=token_get(actor=request.user, token_id=token_id))
    messages.success(request, _("Token %(name)s revoked.") % {"name": token.name})
    return redirect("profile")


@require_GET
def health_view(request: HttpRequest) -> JsonResponse:
    """The database, the workers, the queue and the scheduler (kam.core.health): 200 when
    all are ok, 503 when one is down."""
    healthy, report = health_report()
    return JsonResponse(report, status=200 if healthy else 503)
