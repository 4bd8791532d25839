"""The public entry: ``/`` for anonymous visitors puts the public checks before the staff sign-in;
a company not in good standing comes with plain advice and the ministry's contact; public job cards
carry the zero-cost note."""

import pytest
from django.template import Context, Template
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from lindungi.agencies import services as agency_services
from lindungi.agencies.tests.factories import AgencyFactory

pytestmark = pytest.mark.django_db


def test_anonymous_home_shows_public_checks_before_staff_sign_in():
    response = Client().get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="id"' in html  # Indonesian first
    checks = [html.index(f'action="{reverse("web:public-agencies")}"'), html.index(reverse("web:public-job-orders")),
              html.index('data-testid="report-problem"')]
    assert max(checks) < html.index(f'href="{reverse("web:login")}"')
    assert '<a href="tel:08001000" class="nowrap">0800-1000</a>' in html
    assert 'class="menu-toggle' not in html  # no staff menu for visitors


def test_signed_in_home_is_the_dashboard(client, admin_user):
    client.force_login(admin_user)
    response = client.get("/")
    assert response.status_code == 200 and "summary" in response.context
    assert 'aria-controls="site-menu"' in response.content.decode()


def test_login_page_links_the_public_checks():
    html = Client().get(reverse("web:login")).content.decode()
    assert reverse("web:public-agencies") in html and reverse("web:public-job-orders") in html


def test_ministry_contact_comes_from_settings_and_is_escaped(settings):
    settings.MINISTRY_CONTACT = "Crisis Center <b>+62 21 2924 4800</b>"
    html = Template("{% load lindungi %}{% ministry_contact %}").render(Context())
    assert html == ('Crisis Center &lt;b&gt;<a href="tel:+622129244800" class="nowrap">+62 21 2924 4800</a>'
                    '&lt;/b&gt;')


def test_url_if_exists_names_only_installed_views():
    template = Template('{% load lindungi %}{% url_if_exists "web:public-agencies" %}|'
                        '{% url_if_exists "web:no-such-page" %}')
    assert template.render(Context()) == f'{reverse("web:public-agencies")}|'


def test_revoked_and_suspended_companies_come_with_advice_and_contact(admin_user):
    today = timezone.localdate()
    revoked = AgencyFactory(legal_name="PT Samudra Jaya Abadi")
    suspended = AgencyFactory(legal_name="PT Samudra Karya Utama")
    AgencyFactory(legal_name="PT Samudra Bina Insani")
    agency_services.agency_revoke(actor=admin_user, public_id=revoked.public_id, decree_number="KEP.9/2026",
                                  reason="Penempatan non-prosedural", revoked_on=today)
    agency_services.agency_suspend(actor=admin_user, public_id=suspended.public_id, suspended_from=today,
                                   decree_number="KEP.10/2026", reason="Deposito kurang")
    html = Client().get(reverse("web:public-agencies"), {"q": "samudra"}).content.decode()
    assert html.count('class="advice"') == 2
    assert 'data-testid="advice-revoked"' in html and 'data-testid="advice-suspended"' in html
    assert html.count('href="tel:08001000"') == 2
    english = Client(HTTP_ACCEPT_LANGUAGE="en")
    english.cookies["django_language"] = "en"
    html_en = english.get(reverse("web:public-agencies"), {"q": "samudra"}).content.decode()
    assert "licence has been revoked" in html_en and "while its licence is suspended" in html_en


def test_public_job_cards_carry_the_zero_cost_note(make_job_order):
    make_job_order(occupation="5322")  # home-based personal care: zero cost (Perban 9/2020)
    make_job_order(occupation="8121", iso2="KR")  # metal processing: costs may be charged
    html = Client().get(reverse("web:public-job-orders")).content.decode()
    assert html.count('data-testid="zero-cost"') == 1
    assert html.count('class="nowrap card-key"') == 2  # salary heads each card on a phone, after the position


def test_staff_forms_list_every_error_at_the_top(client, admin_user):
    client.force_login(admin_user)
    for name in ("web:agency-create", "web:foreign-party-create", "web:job-order-create"):
        response = client.post(reverse(name), {"reason": ""})  # bound, everything missing
        html = response.content.decode()
        assert response.status_code in (400, 422), name
        summary = html[html.index('data-testid="error-summary"'):]
        assert summary.count('<a href="#id_') >= 2, name  # each refused field, linked
