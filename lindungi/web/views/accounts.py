"""Account screens: one's own password, and account management for central administrators (list,
create, edit role and unit or company, deactivate, unlock, reset the password, revoke API tokens).
Thin adapters over ``lindungi.accounts.services`` / ``selectors``; every write is audited there."""

from django import forms
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from lindungi.accounts import selectors, services
from lindungi.accounts.roles import Role
from lindungi.common.errors import Conflict, ValidationFailed
from lindungi.web import choices
from lindungi.web.helpers import apply_domain_error, domain_errors_to_http, page_number

USER_PAGE_SIZE = 25


class PasswordChangeForm(forms.Form):
    old_password = forms.CharField(label=gettext_lazy("Current password"), widget=forms.PasswordInput)
    new_password = forms.CharField(label=gettext_lazy("New password"), widget=forms.PasswordInput,
                                   help_text=gettext_lazy("At least 10 characters; not like your username, unit or "
                                                          "company; not a word followed by a number."))
    new_password2 = forms.CharField(label=gettext_lazy("New password again"), widget=forms.PasswordInput)

    def clean(self):
        data = super().clean()
        if data.get("new_password") and data.get("new_password2") and data["new_password"] != data["new_password2"]:
            self.add_error("new_password2", _("The two new passwords differ."))
        return data


class UserFilterForm(forms.Form):
    q = forms.CharField(label=gettext_lazy("Username or name"), required=False, max_length=150)
    role = forms.ChoiceField(label=gettext_lazy("Role"), required=False, choices=[("", "—"), *Role.choices])
    active = forms.ChoiceField(label=gettext_lazy("State"), required=False, choices=[
        ("", "—"), ("yes", gettext_lazy("active")), ("no", gettext_lazy("inactive"))])


class UserForm(forms.Form):
    username = forms.CharField(label=gettext_lazy("Username"), max_length=150)
    first_name = forms.CharField(label=gettext_lazy("First name"), required=False, max_length=150)
    last_name = forms.CharField(label=gettext_lazy("Last name"), required=False, max_length=150)
    email = forms.CharField(label=gettext_lazy("E-mail"), required=False, max_length=254)
    role = forms.ChoiceField(label=gettext_lazy("Role"), choices=Role.choices)
    unit = forms.ChoiceField(label=gettext_lazy("Unit (unit officers, checkpoint officers)"), required=False)
    agency = forms.ChoiceField(label=gettext_lazy("P3MI company (P3MI staff)"), required=False)

    def __init__(self, *args, actor, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [("", "—"), *choices.unit_choices()]
        self.fields["agency"].choices = [("", "—"), *choices.agency_choices(actor)]
        if editing:
            del self.fields["username"]


@login_required
def password_change(request):
    form = PasswordChangeForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                user = services.password_change(user=request.user, old_password=form.cleaned_data["old_password"],
                                                new_password=form.cleaned_data["new_password"], via="web")
            except ValidationFailed as exc:
                apply_domain_error(form, exc)
                status = 422
            else:
                update_session_auth_hash(request, user)
                messages.success(request, _("Your password has been changed."))
                return redirect("web:dashboard")
    return render(request, "web/accounts/password_change.html",
                  {"form": form, "temporary": request.user.must_change_password}, status=status)


@login_required
@domain_errors_to_http
def user_list(request):
    form = UserFilterForm(request.GET)
    page, status = None, 200
    try:
        page = selectors.user_list_for(request.user, page=page_number(request), page_size=USER_PAGE_SIZE,
                                       **{name: request.GET.get(name, "") for name in form.fields})
    except ValidationFailed as exc:
        apply_domain_error(form, exc)
        status = 422
    return render(request, "web/accounts/user_list.html", {"form": form, "page": page}, status=status)


def _initial(user) -> dict:
    return {"first_name": user.first_name, "last_name": user.last_name, "email": user.email, "role": user.role,
            "unit": user.unit.code if user.unit else "", "agency": str(user.agency.public_id) if user.agency else ""}


@login_required
@domain_errors_to_http
def user_create(request):
    selectors.user_list_for(request.user, page_size=1)  # 403 before showing the form to others
    # Bound on every post, even an empty one: the service's field errors are attached to it.
    form = UserForm(request.POST if request.method == "POST" else None, actor=request.user)
    status = 200
    if request.method == "POST":
        try:
            user, temporary = services.user_create(actor=request.user, data=request.POST, via="web")
        except ValidationFailed as exc:
            apply_domain_error(form, exc)
            status = 422
        else:
            return render(request, "web/accounts/temporary_password.html",
                          {"account": user, "temporary": temporary, "created": True})
    return render(request, "web/accounts/user_form.html", {"form": form}, status=status)


@login_required
@domain_errors_to_http
def user_detail(request, user_id):
    status = 200
    if request.method == "POST":
        form = UserForm(request.POST, actor=request.user, editing=True)
        try:
            services.user_update(actor=request.user, user_id=user_id, data=request.POST, via="web")
        except ValidationFailed as exc:
            apply_domain_error(form, exc)
            status = 422
        else:
            messages.success(request, _("The account has been saved."))
            return redirect("web:user-detail", user_id=user_id)
        detail = selectors.user_get_for(request.user, user_id)
    else:
        detail = selectors.user_get_for(request.user, user_id)
        form = UserForm(initial=_initial(detail["user"]), actor=request.user, editing=True)
    return render(request, "web/accounts/user_detail.html", {**detail, "account": detail["user"], "form": form},
                  status=status)


def _action(request, user_id, run, success: str):
    try:
        run()
    except (Conflict, ValidationFailed) as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, success)
    return redirect("web:user-detail", user_id=user_id)


@login_required
@require_POST
@domain_errors_to_http
def user_set_active(request, user_id):
    active = request.POST.get("active") == "1"
    return _action(request, user_id, lambda: services.user_set_active(
        actor=request.user, user_id=user_id, active=active, reason=request.POST.get("reason", ""), via="web"),
        _("The account has been reactivated.") if active else _("The account has been deactivated."))


@login_required
@require_POST
@domain_errors_to_http
def user_unlock(request, user_id):
    return _action(request, user_id, lambda: services.user_unlock(actor=request.user, user_id=user_id, via="web"),
                   _("Sign-in blocks on this account have been lifted."))


@login_required
@require_POST
@domain_errors_to_http
def user_reset_password(request, user_id):
    user, temporary = services.user_reset_password(actor=request.user, user_id=user_id, via="web")
    return render(request, "web/accounts/temporary_password.html", {"account": user, "temporary": temporary})


@login_required
@require_POST
@domain_errors_to_http
def token_revoke(request, user_id, token_id):
    selectors.user_get_for(request.user, user_id)  # only account managers revoke here
    return _action(request, user_id, lambda: services.api_token_revoke(actor=request.user, token_id=token_id,
                                                                        via="web"),
                   _("The token has been revoked."))


urlpatterns = [
    path("account/password/", password_change, name="password-change"),
    path("accounts/", user_list, name="user-list"),
    path("accounts/new/", user_create, name="user-create"),
    path("accounts/<int:user_id>/", user_detail, name="user-detail"),
    path("accounts/<int:user_id>/active/", user_set_active, name="user-set-active"),
    path("accounts/<int:user_id>/unlock/", user_unlock, name="user-unlock"),
    path("accounts/<int:user_id>/reset-password/", user_reset_password, name="user-reset-password"),
    path("accounts/<int:user_id>/tokens/<int:token_id>/revoke/", token_revoke, name="user-token-revoke"),
]
