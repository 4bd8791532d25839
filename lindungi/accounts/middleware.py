"""Session rules for signed-in staff: an idle session ends after ``SESSION_IDLE_MINUTES``, and an
account holding a temporary password is sent to change it before anything else."""

import time

from django.conf import settings
from django.contrib.auth import SESSION_KEY, logout
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

LAST_SEEN = "lindungi_last_seen"
# The session's last-seen time is rewritten at most this often, so most requests write nothing.
TOUCH_SECONDS = 60


class SessionPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        if session is not None and SESSION_KEY in session:
            now = int(time.time())
            last = session.get(LAST_SEEN)
            if last is not None and now - last > settings.SESSION_IDLE_MINUTES * 60:
                logout(request)
                if not request.path.startswith("/api/"):
                    query = urlencode({"next": request.get_full_path(), "idle": "1"})
                    return redirect(f"{reverse(settings.LOGIN_URL)}?{query}")
            else:
                if last is None or now - last >= TOUCH_SECONDS:
                    session[LAST_SEEN] = now
                response = self._password_change_first(request)
                if response is not None:
                    return response
        return self.get_response(request)

    @staticmethod
    def _password_change_first(request):
        user = request.user
        if not getattr(user, "must_change_password", False) or request.path.startswith(("/api/", "/static/")):
            return None
        allowed = {reverse(settings.PASSWORD_CHANGE_URL), reverse("web:logout")}
        if request.path in allowed:
            return None
        return redirect(settings.PASSWORD_CHANGE_URL)
