from django import forms
from django.conf import settings
from django.contrib.auth import login, logout
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from lindungi.accounts.services import user_authenticate
from lindungi.accounts.throttle import client_address
from lindungi.common.errors import DomainError
from lindungi.web.dashboard import dashboard_summary_for


class LoginForm(forms.Form):
    username = forms.CharField(label=_("Username"), max_length=150)
    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput)


def login_view(request):
    form = LoginForm(request.POST or None)
    next_url = request.GET.get("next") or request.POST.get("next") or ""
    if request.method == "POST" and form.is_valid():
        try:
            user = user_authenticate(
                username=form.cleaned_data["username"], password=form.cleaned_data["password"], via="web",
                client_ip=client_address(request.META),
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
            status = exc.status_code if exc.status_code == 429 else 400
        else:
            login(request, user)
            if next_url and url_has_allowed_host_and_scheme(next_url, {request.get_host()}):
                return redirect(next_url)
            return redirect("web:dashboard")
    else:
        status = 400 if request.method == "POST" else 200
    return render(request, "web/login.html", {"form": form, "next": next_url, "idle": request.GET.get("idle") == "1",
                                              "idle_minutes": settings.SESSION_IDLE_MINUTES}, status=status)


@require_POST
def logout_view(request):
    logout(request)
    return redirect("web:login")


def dashboard(request):
    """Staff see their dashboard; anyone else sees the public checks first, then the staff sign-in."""
    if not request.user.is_authenticated:
        return render(request, "web/public_home.html")
    return render(request, "web/dashboard.html", {"summary": dashboard_summary_for(request.user)})


urlpatterns = [
    path("", dashboard, name="dashboard"),
    path("login/", login_view, name="login"),
    path("logout/", logout_view, name="logout"),
]
