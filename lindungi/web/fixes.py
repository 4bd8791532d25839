"""Where each blocking reason of a placement step is fixed: the guards of ``placements.states`` give
every unmet condition a code; this maps the code to the form that fixes it, for this actor and this
placement, or to nothing when the actor cannot fix it (another role's form, a moratorium, a field
that the placement's state no longer lets change).

Presentation only: the rules stay in the domain (``states.editable_fields`` says which details may
still change; the permissions say who may change them).
"""

from collections.abc import Callable

from django.urls import reverse
from django.utils.translation import gettext as _

from lindungi.agencies.perms import AGENCY_VIEW
from lindungi.placements.checklist import ALL_KINDS, ChecklistKind
from lindungi.placements.perms import JOB_ORDER_VIEW, PLACEMENT_WRITE
from lindungi.placements.states import TERMINAL, editable_fields
from lindungi.registry import selectors as registry_selectors
from lindungi.registry.perms import PERSON_WRITE

# ``<kind>_<problem>`` for a readiness document.
DOCUMENT_PROBLEMS = ("missing", "expired", "voided", "invalid", "expires_before_contract_end")
# Codes fixed by changing one detail of the placement, and that detail.
DETAIL_OF = {
    "employer_missing": "employer", "employer_type_not_allowed": "employer",
    "agency_missing": "agency", "agency_not_in_good_standing": "agency",
    "job_order_missing": "job_order",
    "sip2mi_missing": "sip2mi", "sip2mi_revoked": "sip2mi", "sip2mi_not_yet_valid": "sip2mi",
    "sip2mi_expired": "sip2mi", "sip2mi_quota_exhausted": "sip2mi",
    "contract_dates_missing": "contract_start", "contract_dates_invalid": "contract_end",
}
# Codes fixed on the person's record (a wrong birth date or education entered at registration).
PERSON_CODES = ("age_below_minimum", "age_above_maximum", "education_below_minimum")

Fix = dict[str, str] | None


def document_kind(code: str) -> str | None:
    if code == "extension_contract_missing":
        return ChecklistKind.EMPLOYMENT_CONTRACT
    for problem in DOCUMENT_PROBLEMS:
        kind = code.removesuffix("_" + problem)
        if kind != code and kind in ALL_KINDS:
            return kind
    return None


def fix_for(actor, placement) -> Callable[[str], Fix]:
    """``fix(code)`` → ``{"url", "label"}`` of the form that fixes that reason, or None."""
    open_placement = placement.state not in TERMINAL
    may_write = actor.has_role_perm(PLACEMENT_WRITE) and not actor.is_lookup_only and open_placement
    editable = editable_fields(placement.state) if may_write else frozenset()
    may_write_person = actor.has_role_perm(PERSON_WRITE) and not actor.is_lookup_only
    detail = reverse("web:placement-detail", args=[placement.public_id])
    edit = reverse("web:placement-edit", args=[placement.public_id])
    person_page = reverse("web:person-detail", args=[placement.person.public_id])
    passport_on_record = []  # asked once, only when a passport reason comes up

    def has_passport() -> bool:
        if not passport_on_record:
            passport_on_record.append(registry_selectors.current_passport(placement.person_id) is not None)
        return passport_on_record[0]

    def fix(code: str) -> Fix:
        kind = document_kind(code)
        if kind == ChecklistKind.PASSPORT and may_write_person and not has_passport():
            # The checklist item points at the registry's passport: record that first, then come back.
            return {"url": f"{person_page}?add=passport&placement={placement.public_id}#passports",
                    "label": _("Add the passport to the person's record")}
        if kind is not None:
            if not may_write:
                return None
            return {"url": f"{detail}?kind={kind}#record", "label": _("Record the document")}
        field = DETAIL_OF.get(code)
        if field is not None and field in editable:
            return {"url": f"{edit}#id_{field}", "label": _("Change the placement's details")}
        if code in PERSON_CODES and may_write_person:
            return {"url": reverse("web:person-edit", args=[placement.person.public_id]),
                    "label": _("Check the person's record")}
        if code in ("job_order_not_verified", "sip2mi_missing") and placement.job_order_id and \
                actor.has_role_perm(JOB_ORDER_VIEW):
            return {"url": reverse("web:job-order-detail", args=[placement.job_order.public_id]),
                    "label": _("Open the job order")}
        if code == "agency_not_in_good_standing" and placement.agency_id and actor.has_role_perm(AGENCY_VIEW):
            return {"url": reverse("web:agency-detail", args=[placement.agency.public_id]),
                    "label": _("Open the P3MI")}
        return None

    return fix
