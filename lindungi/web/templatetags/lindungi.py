import re

from django import template
from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

register = template.Library()

# (url name, label, permission or None); entries whose view is not installed are skipped.
NAV = [
    ("web:person-list", gettext_noop("Registry"), "person.view"),
    ("web:duplicate-list", gettext_noop("Duplicates"), "person.merge"),
    ("web:placement-list", gettext_noop("Placements"), "placement.view"),
    ("web:case-list", gettext_noop("Complaints"), "case.view"),
    ("web:arrival-board", gettext_noop("Arrivals"), "return.view"),
    ("web:overcharge-flag-list", gettext_noop("Overcharging"), "overcharge.view"),
    ("web:cost-rule-list", gettext_noop("Cost rules"), "cost_rule.view"),
    ("web:statistics", gettext_noop("Statistics"), "statistics.view"),
    ("web:job-order-list", gettext_noop("Job orders"), "job_order.view"),
    ("web:agency-list", gettext_noop("P3MI"), "agency.view"),
    ("web:institution-list", gettext_noop("Institutions"), "institution.view"),
    ("web:import-list", gettext_noop("Imports"), "import.run"),
    ("web:export-list", gettext_noop("Exports"), "person.export"),
    ("web:departure-desk", gettext_noop("Checkpoint desk"), "departure.check"),
    ("web:departure-check-list", gettext_noop("Departure checks"), "departure.view"),
    ("web:interception-list", gettext_noop("Interceptions"), "departure.view"),
    ("web:watchlist-list", gettext_noop("Watch list"), "departure.watchlist_view"),
    ("web:access-log", gettext_noop("Access log"), "audit.view"),
    ("web:user-list", gettext_noop("Accounts"), "user.manage"),
]


@register.filter
def nav_items(user):
    items = []
    for name, label, perm in NAV:
        if perm and not user.has_role_perm(perm):
            continue
        try:
            url = reverse(name)
        except NoReverseMatch:
            continue
        items.append({"url": url, "label": _(label), "prefix_len": f":{len(url)}"})
    return items


@register.simple_tag(takes_context=True)
def query_with(context, **changes):
    """The current query string with some parameters replaced (for pagination and sorting links)."""
    params = context["request"].GET.copy()
    for key, value in changes.items():
        if value in (None, ""):
            params.pop(key, None)
        else:
            params[key] = value
    encoded = params.urlencode()
    return f"?{encoded}" if encoded else "?"


PHONE = re.compile(r"\+?\d[\d -]{4,}\d")


@register.simple_tag
def ministry_contact():
    """The ministry's public contact (``settings.MINISTRY_CONTACT``), phone numbers as call links."""
    text = escape(settings.MINISTRY_CONTACT)
    return mark_safe(PHONE.sub(lambda m: format_html('<a href="tel:{}" class="nowrap">{}</a>',
                                                     re.sub(r"[ -]", "", m.group(0)), m.group(0)), text))


@register.simple_tag
def url_if_exists(name):
    """The URL of a view that another app may or may not have installed yet, else an empty string."""
    try:
        return reverse(name)
    except NoReverseMatch:
        return ""


@register.inclusion_tag("web/_error_summary.html")
def error_summary(*forms):
    """Every error of the given forms in one list at the top of the page, each linked to its field."""
    entries = []
    for form in forms:
        if not form:
            continue
        entries += [{"label": "", "anchor": "", "message": e} for e in form.non_field_errors()]
        for field in form:
            entries += [{"label": field.label, "anchor": field.id_for_label, "message": e} for e in field.errors]
    return {"entries": entries}


@register.inclusion_tag("web/_replica_note.html")
def replica_note():
    """Where the figures on a report page come from when a standby is configured, and how fresh."""
    from lindungi.common import replica

    return {"replica": replica.state()}
