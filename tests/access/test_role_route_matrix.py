"""Every route × every role, in and out of scope, against a declared table (docs/architecture.md,
"Roles and scopes"). The routes come from the URL configuration and the API's OpenAPI schema, so a
new route (or API operation) without an entry in ``EXPECTED`` fails ``test_every_route_is_declared``.

An entry maps each method the route takes to the statuses of the roles in ``ROLES`` order
(anonymous, central administrator, analyst, unit officer, P3MI staff, checkpoint officer, partner API
client). Routes with a record in their path give them for a record in the unit officer's and the
P3MI staff's scope (``in``: Jawa Barat, their company; for departure checks and interceptions the
checkpoint officer's own post) and one outside it (``out``: Jawa Timur, another company, another
post). Web forms are posted empty (a role that may write gets the form back with its errors, one
that may not 403/404); API writes get a body of the right types (``sample_body``), so they reach the
permission and scope checks (403/404) before the values are judged (422). Every request runs in a
savepoint that is rolled back, so none changes what the next one sees."""

import pytest

from tests.access.routes import (
    ROLES,
    Clients,
    api_operations,
    build_world,
    fill,
    openapi_schema,
    sample_body,
    send,
    values_for,
    web_routes,
)

pytestmark = pytest.mark.django_db

# Reviewed by hand (docs/architecture.md "Roles and scopes"): checkpoint officers and partner clients
# never reach a person or placement by id (404) and never browse (403); P3MI staff and unit officers
# get 404 outside their scope; analysts read but never write (403); only the public routes answer
# anonymous callers. Validation that runs before the permission check answers 422 to every role, with
# nothing written (e.g. a case step to a state that does not exist).
EXPECTED: dict[str, dict] = {'DELETE /api/v1/auth/token/{token_id}': {'DELETE': {'in': '401 404 404 404 404 404 404',
                                                     'out': '401 404 404 404 404 404 404'}},
 'GET /api/v1/access-log': {'GET': '401 200 200 200 403 403 403'},
 'GET /api/v1/access-log/persons/{public_id}': {'GET': {'in': '401 200 200 200 403 403 403',
                                                        'out': '401 200 200 404 403 403 403'}},
 'GET /api/v1/agencies': {'GET': '401 200 200 200 200 200 200'},
 'GET /api/v1/agencies/foreign-parties': {'GET': '401 200 200 200 200 200 200'},
 'GET /api/v1/agencies/foreign-parties/{public_id}': {'GET': {'in': '401 200 200 200 200 200 200',
                                                              'out': '401 200 200 200 200 200 200'}},
 'GET /api/v1/agencies/{public_id}': {'GET': {'in': '401 200 200 200 200 200 200',
                                              'out': '401 200 200 200 404 200 200'}},
 'GET /api/v1/agencies/{public_id}/branches': {'GET': {'in': '401 200 200 200 200 200 200',
                                                       'out': '401 200 200 200 404 200 200'}},
 'GET /api/v1/cases': {'GET': '401 200 200 200 200 403 403'},
 'GET /api/v1/cases/{public_id}': {'GET': {'in': '401 200 200 200 200 403 403', 'out': '401 200 200 404 404 403 403'}},
 'GET /api/v1/credential-revocations': {'GET': '401 200 200 403 403 200 403'},
 'GET /api/v1/departure-checks': {'GET': '401 200 200 403 403 200 403'},
 'GET /api/v1/departure-checks/{public_id}': {'GET': {'in': '401 200 200 403 403 200 403',
                                                      'out': '401 200 200 403 403 404 403'}},
 'GET /api/v1/exports': {'GET': '401 200 200 200 200 200 200'},
 'GET /api/v1/exports/{public_id}': {'GET': {'in': '401 200 404 404 404 404 404',
                                             'out': '401 200 404 404 404 404 404'}},
 'GET /api/v1/exports/{public_id}/download': {'GET': {'in': '401 409 404 404 404 404 404',
                                                      'out': '401 409 404 404 404 404 404'}},
 'GET /api/v1/imports': {'GET': '401 200 200 200 200 200 200'},
 'GET /api/v1/imports/{public_id}': {'GET': {'in': '401 200 200 404 404 404 404',
                                             'out': '401 200 200 404 404 404 404'}},
 'GET /api/v1/imports/{public_id}/reconciliation': {'GET': {'in': '401 404 404 404 404 404 404',
                                                           'out': '401 404 404 404 404 404 404'}},
 'GET /api/v1/imports/{public_id}/reconciliation/report': {'GET': {'in': '401 404 404 404 404 404 404',
                                                                  'out': '401 404 404 404 404 404 404'}},
 'GET /api/v1/imports/{public_id}/errors': {'GET': {'in': '401 200 200 404 404 404 404',
                                                    'out': '401 200 200 404 404 404 404'}},
 'GET /api/v1/imports/{public_id}/errors/report': {'GET': {'in': '401 200 200 404 404 404 404',
                                                           'out': '401 200 200 404 404 404 404'}},
 'GET /api/v1/interceptions': {'GET': '401 200 200 403 403 200 403'},
 'GET /api/v1/interceptions/{public_id}': {'GET': {'in': '401 200 200 403 403 200 403',
                                                   'out': '401 200 200 403 403 404 403'}},
 'GET /api/v1/job-orders': {'GET': '401 200 200 200 200 403 403'},
 'GET /api/v1/job-orders/{public_id}': {'GET': {'in': '401 200 200 200 200 403 403',
                                                'out': '401 200 200 200 404 403 403'}},
 'GET /api/v1/persons': {'GET': '401 200 200 200 200 403 403'},
 'GET /api/v1/persons/duplicates': {'GET': '401 200 403 200 403 403 403'},
 'GET /api/v1/persons/lookup': {'GET': '401 422 422 422 422 422 422'},
 'GET /api/v1/persons/{public_id}': {'GET': {'in': '401 200 200 200 200 404 404',
                                             'out': '401 200 200 404 404 404 404'}},
 'GET /api/v1/persons/{public_id}/history': {'GET': {'in': '401 200 200 200 403 403 403',
                                                     'out': '401 200 200 404 403 403 403'}},
 'GET /api/v1/placements': {'GET': '401 200 200 200 200 403 403'},
 'GET /api/v1/placements/schemes': {'GET': '200 200 200 200 200 200 200'},
 'GET /api/v1/placements/{public_id}': {'GET': {'in': '401 200 200 200 200 404 403',
                                                'out': '401 200 200 404 404 404 403'}},
 'GET /api/v1/placements/{public_id}/credential': {'GET': {'in': '401 200 403 200 200 404 403',
                                                           'out': '401 200 403 404 404 404 403'}},
 'GET /api/v1/public/agencies': {'GET': '422 422 422 422 422 422 422'},
 'GET /api/v1/public/complaint-categories': {'GET': '200 200 200 200 200 200 200'},
 'GET /api/v1/public/complaints/{tracking_code}': {'GET': '404 404 404 404 404 404 404'},
 'GET /api/v1/public/credential-keys': {'GET': '200 200 200 200 200 200 200'},
 'GET /api/v1/public/job-orders': {'GET': '200 200 200 200 200 200 200'},
 'GET /api/v1/public/statistics/editions': {'GET': '200 200 200 200 200 200 200'},
 'GET /api/v1/public/statistics/editions/{number}': {'GET': '200 200 200 200 200 200 200'},
 'GET /api/v1/public/statistics/placements': {'GET': '200 200 200 200 200 200 200'},
 'GET /api/v1/statistics/indicators': {'GET': '401 200 200 200 403 403 403'},
 'GET /api/v1/statistics/realisation': {'GET': '401 200 200 200 403 403 403'},
 'GET /api/v1/statistics/targets': {'GET': '401 200 200 200 403 403 403'},
 'POST /api/v1/statistics/editions': {'POST': '401 422 403 403 403 403 403'},
 'POST /api/v1/statistics/targets': {'POST': '401 422 403 403 403 403 403'},
 'GET /api/v1/reference/countries': {'GET': '401 200 200 200 200 200 200'},
 'GET /api/v1/reference/occupations': {'GET': '401 200 200 200 200 200 200'},
 'GET /api/v1/reference/provinces': {'GET': '401 200 200 200 200 200 200'},
 'GET /api/v1/reference/regencies': {'GET': '401 200 200 200 200 200 200'},
 'GET /api/v1/reference/units': {'GET': '401 200 200 200 200 200 200'},
 'GET /api/v1/returns': {'GET': '401 200 200 200 200 403 403'},
 'GET /api/v1/returns/{public_id}': {'GET': {'in': '401 200 200 200 200 403 403',
                                             'out': '401 200 200 404 404 403 403'}},
 'GET /api/v1/users': {'GET': '401 200 403 403 403 403 403'},
 'GET /api/v1/users/{user_id}': {'GET': {'in': '401 200 403 403 403 403 403', 'out': '401 200 403 403 403 403 403'}},
 'GET /api/v1/users/{user_id}/tokens': {'GET': {'in': '401 200 403 403 403 403 403',
                                                'out': '401 200 403 403 403 403 403'}},
 'GET /api/v1/watchlist': {'GET': '401 200 200 403 403 200 403'},
 'GET /api/v1/watchlist/{public_id}': {'GET': {'in': '401 200 200 403 403 200 403',
                                               'out': '401 200 200 403 403 200 403'}},
 'PATCH /api/v1/agencies/foreign-parties/{public_id}': {'PATCH': {'in': '401 200 403 403 403 403 403',
                                                                  'out': '401 200 403 403 403 403 403'}},
 'PATCH /api/v1/agencies/{public_id}': {'PATCH': {'in': '401 200 403 403 403 403 403',
                                                  'out': '401 200 403 403 403 403 403'}},
 'PATCH /api/v1/cases/{public_id}': {'PATCH': {'in': '401 200 403 200 403 403 403',
                                               'out': '401 200 403 404 403 403 403'}},
 'PATCH /api/v1/persons/{public_id}': {'PATCH': {'in': '401 200 403 200 200 403 403',
                                                 'out': '401 200 403 404 404 403 403'}},
 'PATCH /api/v1/placements/{public_id}': {'PATCH': {'in': '401 200 403 200 200 403 403',
                                                    'out': '401 200 403 404 404 403 403'}},
 'PATCH /api/v1/users/{user_id}': {'PATCH': {'in': '401 200 403 403 403 403 403',
                                             'out': '401 200 403 403 403 403 403'}},
 'POST /api/v1/agencies': {'POST': '401 422 403 403 403 403 403'},
 'POST /api/v1/agencies/foreign-parties': {'POST': '401 422 403 403 403 403 403'},
 'POST /api/v1/agencies/{public_id}/branches': {'POST': {'in': '401 422 403 403 403 403 403',
                                                         'out': '401 422 403 403 403 403 403'}},
 'POST /api/v1/agencies/{public_id}/branches/{branch_id}/close': {'POST': {'in': '401 200 403 403 403 403 403',
                                                                           'out': '401 404 403 403 403 403 403'}},
 'POST /api/v1/agencies/{public_id}/lift-suspension': {'POST': {'in': '401 409 403 403 403 403 403',
                                                                'out': '401 409 403 403 403 403 403'}},
 'POST /api/v1/agencies/{public_id}/revoke': {'POST': {'in': '401 200 403 403 403 403 403',
                                                       'out': '401 200 403 403 403 403 403'}},
 'POST /api/v1/agencies/{public_id}/suspend': {'POST': {'in': '401 200 403 403 403 403 403',
                                                        'out': '401 200 403 403 403 403 403'}},
 'POST /api/v1/auth/password': {'POST': '401 401 401 401 401 401 401'},
 'POST /api/v1/auth/token': {'POST': '401 401 401 401 401 401 401'},
 'POST /api/v1/cases': {'POST': '401 422 403 422 403 403 403'},
 'POST /api/v1/cases/dispatches': {'POST': '401 422 403 422 403 403 403'},
 'POST /api/v1/cases/{public_id}/actions': {'POST': {'in': '401 422 422 422 422 422 422',
                                                     'out': '401 422 422 422 422 422 422'}},
 'POST /api/v1/cases/{public_id}/answer': {'POST': {'in': '401 200 403 200 200 404 404',
                                                    'out': '401 200 403 404 404 404 404'}},
 'POST /api/v1/cases/{public_id}/dispatches': {'POST': {'in': '401 201 403 201 403 403 403',
                                                        'out': '401 201 403 404 403 403 403'}},
 'POST /api/v1/credential-keys/rotate': {'POST': '401 201 403 403 403 403 403'},
 'POST /api/v1/credentials/verify': {'POST': '401 200 200 403 403 200 403'},
 'POST /api/v1/departure-checks': {'POST': '401 422 403 403 403 422 403'},
 'POST /api/v1/departure-checks/{public_id}/depart': {'POST': {'in': '401 200 403 403 403 200 403',
                                                               'out': '401 200 403 403 403 404 403'}},
 'POST /api/v1/exports': {'POST': '401 202 202 202 202 403 403'},
 'POST /api/v1/imports': {'POST': '401 422 422 422 422 422 422'},
 'POST /api/v1/imports/{public_id}/resume': {'POST': {'in': '401 409 403 404 404 404 404',
                                                      'out': '401 409 403 404 404 404 404'}},
 'POST /api/v1/interceptions': {'POST': '401 422 403 403 403 422 403'},
 'POST /api/v1/interceptions/{public_id}/case': {'POST': {'in': '401 200 403 403 403 200 403',
                                                          'out': '401 200 403 403 403 404 403'}},
 'POST /api/v1/job-orders': {'POST': '401 422 403 403 422 403 403'},
 'POST /api/v1/job-orders/permits/{public_id}/revoke': {'POST': {'in': '401 200 403 403 403 403 403',
                                                                 'out': '401 200 403 403 403 403 403'}},
 'POST /api/v1/job-orders/{public_id}/permits': {'POST': {'in': '401 422 403 403 403 403 403',
                                                          'out': '401 422 403 403 403 403 403'}},
 'POST /api/v1/job-orders/{public_id}/reject': {'POST': {'in': '401 409 403 403 403 403 403',
                                                         'out': '401 409 403 403 403 403 403'}},
 'POST /api/v1/job-orders/{public_id}/verify': {'POST': {'in': '401 409 403 403 403 403 403',
                                                         'out': '401 409 403 403 403 403 403'}},
 'POST /api/v1/persons': {'POST': '401 422 403 422 422 403 403'},
 'POST /api/v1/persons/duplicate-check': {'POST': '401 422 422 422 422 403 403'},
 'POST /api/v1/persons/duplicates/{candidate_id}/decision': {'POST': {'in': '401 200 403 200 403 403 403',
                                                                      'out': '401 200 403 404 403 403 403'}},
 'POST /api/v1/persons/lookup': {'POST': '401 422 422 422 422 422 422'},
 'POST /api/v1/persons/search': {'POST': '401 200 200 200 200 403 403'},
 'POST /api/v1/persons/{public_id}/contacts': {'POST': {'in': '401 201 403 201 201 403 403',
                                                        'out': '401 201 403 404 404 403 403'}},
 'POST /api/v1/persons/{public_id}/passports': {'POST': {'in': '401 422 403 422 422 403 403',
                                                         'out': '401 422 403 422 422 403 403'}},
 'POST /api/v1/persons/{public_id}/unmerge': {'POST': {'in': '401 409 403 409 403 403 403',
                                                       'out': '401 409 403 404 403 403 403'}},
 'POST /api/v1/placements': {'POST': '401 422 403 422 422 403 403'},
 'POST /api/v1/placements/search': {'POST': '401 200 200 200 200 403 403'},
 'POST /api/v1/placements/{public_id}/checklist': {'POST': {'in': '401 422 403 422 422 403 403',
                                                            'out': '401 422 403 404 404 403 403'}},
 'POST /api/v1/placements/{public_id}/checklist/{item_id}/void': {'POST': {'in': '401 200 403 200 200 403 403',
                                                                           'out': '401 404 403 404 404 403 403'}},
 'POST /api/v1/placements/{public_id}/transitions': {'POST': {'in': '401 409 409 409 409 404 404',
                                                              'out': '401 409 409 404 404 404 404'}},
 'POST /api/v1/public/complaints': {'POST': '422 422 422 422 422 422 422'},
 'POST /api/v1/public/complaints/{tracking_code}/status': {'POST': '404 404 404 404 404 404 404'},
 'POST /api/v1/returns': {'POST': '401 422 403 422 403 403 403'},
 'POST /api/v1/users': {'POST': '401 422 403 403 403 403 403'},
 'POST /api/v1/users/{user_id}/activate': {'POST': {'in': '401 409 403 403 403 403 403',
                                                    'out': '401 409 403 403 403 403 403'}},
 'POST /api/v1/users/{user_id}/deactivate': {'POST': {'in': '401 200 403 403 403 403 403',
                                                      'out': '401 200 403 403 403 403 403'}},
 'POST /api/v1/users/{user_id}/reset-password': {'POST': {'in': '401 200 403 403 403 403 403',
                                                          'out': '401 200 403 403 403 403 403'}},
 'POST /api/v1/users/{user_id}/unlock': {'POST': {'in': '401 200 403 403 403 403 403',
                                                  'out': '401 200 403 403 403 403 403'}},
 'POST /api/v1/watchlist': {'POST': '401 422 403 403 403 422 403'},
 'POST /api/v1/watchlist/{public_id}/remove': {'POST': {'in': '401 200 403 403 403 200 403',
                                                        'out': '401 200 403 403 403 200 403'}},
 'POST /api/v1/watchlist/{public_id}/review': {'POST': {'in': '401 200 403 403 403 200 403',
                                                        'out': '401 200 403 403 403 200 403'}},
 'admin:index': {'GET': '302 200 302 302 302 302 302'},
 'ops:healthz': {'GET': '200 200 200 200 200 200 200'},
 'ops:metrics': {'GET': '404 404 404 404 404 404 404'},
 'ops:readyz': {'GET': '200 200 200 200 200 200 200'},
 'set_language': {'GET': '302 302 302 302 302 302 302'},
 'web:access-log': {'GET': '302 200 200 200 403 403 403'},
 'web:agency-branch-add': {'POST': {'in': '302 400 403 403 403 403 403', 'out': '302 400 403 403 403 403 403'}},
 'web:agency-branch-close': {'POST': {'in': '302 302 403 403 403 403 403', 'out': '302 302 403 403 403 403 403'}},
 'web:agency-create': {'GET': '302 200 403 403 403 403 403', 'POST': '302 400 403 403 403 403 403'},
 'web:agency-detail': {'GET': {'in': '302 200 200 200 200 200 200', 'out': '302 200 200 200 404 200 200'}},
 'web:agency-edit': {'GET': {'in': '302 200 403 403 403 403 403', 'out': '302 200 403 403 403 403 403'},
                     'POST': {'in': '302 400 403 403 403 403 403', 'out': '302 400 403 403 403 403 403'}},
 'web:agency-export': {'GET': '302 200 200 200 200 200 200'},
 'web:agency-lift': {'POST': {'in': '302 400 403 403 403 403 403', 'out': '302 400 403 403 403 403 403'}},
 'web:agency-list': {'GET': '302 200 200 200 200 200 200'},
 'web:agency-revoke': {'POST': {'in': '302 400 403 403 403 403 403', 'out': '302 400 403 403 403 403 403'}},
 'web:agency-suspend': {'POST': {'in': '302 400 403 403 403 403 403', 'out': '302 400 403 403 403 403 403'}},
 'web:arrival-board': {'GET': '302 200 200 200 200 403 403'},
 'web:arrival-create': {'GET': '302 200 403 200 403 403 403', 'POST': '302 422 403 422 403 403 403'},
 'web:case-answer': {'POST': {'in': '302 422 422 422 422 403 403', 'out': '302 422 422 404 404 403 403'}},
 'web:case-create': {'GET': '302 200 403 200 403 403 403', 'POST': '302 422 403 422 403 403 403'},
 'web:case-detail': {'GET': {'in': '302 200 200 200 200 403 403', 'out': '302 200 200 404 404 403 403'}},
 'web:case-details': {'POST': {'in': '302 302 403 302 403 403 403', 'out': '302 302 403 404 403 403 403'}},
 'web:case-dispatch': {'POST': {'in': '302 422 403 422 403 403 403', 'out': '302 422 403 404 403 403 403'}},
 'web:case-link-person': {'POST': {'in': '302 422 422 422 422 403 403', 'out': '302 422 422 404 404 403 403'}},
 'web:case-list': {'GET': '302 200 200 200 200 403 403'},
 'web:case-step': {'POST': {'in': '302 422 422 422 422 403 403', 'out': '302 422 422 404 404 403 403'}},
 'web:dashboard': {'GET': '200 200 200 200 200 200 200'},
 'web:departure-check-depart': {'POST': {'in': '302 200 403 403 403 200 403', 'out': '302 200 403 403 403 404 403'}},
 'web:departure-check-detail': {'GET': {'in': '302 200 200 403 403 200 403', 'out': '302 200 200 403 403 404 403'}},
 'web:departure-check-list': {'GET': '302 200 200 403 403 200 403'},
 'web:departure-desk': {'GET': '302 200 403 403 403 200 403', 'POST': '302 422 403 403 403 422 403'},
 'web:departure-desk-sw': {'GET': '200 200 200 200 200 200 200'},
 'web:departures': {'GET': '302 302 302 302 302 302 302'},
 'web:duplicate-detail': {'GET': {'in': '302 200 403 200 403 403 403', 'out': '302 200 403 404 403 403 403'}},
 'web:duplicate-list': {'GET': '302 200 403 200 403 403 403'},
 'web:edition-release': {'POST': '302 422 403 403 403 403 403'},
 'web:export-detail': {'GET': {'in': '302 200 404 404 404 404 404', 'out': '302 200 404 404 404 404 404'}},
 'web:export-download': {'GET': {'in': '302 409 404 404 404 404 404', 'out': '302 409 404 404 404 404 404'}},
 'web:export-list': {'GET': '302 200 200 200 200 403 403'},
 'web:foreign-party-create': {'GET': '302 200 403 403 403 403 403', 'POST': '302 400 403 403 403 403 403'},
 'web:foreign-party-edit': {'GET': {'in': '302 200 403 403 403 403 403', 'out': '302 200 403 403 403 403 403'},
                            'POST': {'in': '302 400 403 403 403 403 403', 'out': '302 400 403 403 403 403 403'}},
 'web:foreign-party-list': {'GET': '302 200 200 200 200 200 200'},
 'web:import-detail': {'GET': {'in': '302 200 200 404 404 404 404', 'out': '302 200 200 404 404 404 404'}},
 'web:import-errors-csv': {'GET': {'in': '302 200 200 404 404 404 404', 'out': '302 200 200 404 404 404 404'}},
 'web:import-errors-xlsx': {'GET': {'in': '302 200 200 404 404 404 404', 'out': '302 200 200 404 404 404 404'}},
 'web:import-reconciliation': {'GET': {'in': '302 404 404 404 404 404 404', 'out': '302 404 404 404 404 404 404'}},
 'web:import-reconciliation-csv': {'GET': {'in': '302 404 404 404 404 404 404',
                                           'out': '302 404 404 404 404 404 404'}},
 'web:import-reconciliation-xlsx': {'GET': {'in': '302 404 404 404 404 404 404',
                                            'out': '302 404 404 404 404 404 404'}},
 'web:import-mapping-delete': {'POST': {'in': '302 302 403 403 403 403 403',
                                         'out': '302 302 403 403 403 403 403'}},
 'web:import-mappings': {'GET': '302 200 403 403 403 403 403', 'POST': '302 400 403 403 403 403 403'},
 'web:import-list': {'GET': '302 200 200 200 200 200 200', 'POST': '302 400 403 400 400 403 403'},
 'web:import-resume': {'POST': {'in': '302 302 403 404 404 404 404', 'out': '302 302 403 404 404 404 404'}},
 'web:import-template': {'GET': '302 200 200 200 200 200 200'},
 'web:interception-create': {'GET': '302 200 403 403 403 200 403', 'POST': '302 422 403 403 403 422 403'},
 'web:interception-detail': {'GET': {'in': '302 200 200 403 403 200 403', 'out': '302 200 200 403 403 404 403'}},
 'web:interception-list': {'GET': '302 200 200 403 403 200 403'},
 'web:job-order-create': {'GET': '302 200 403 403 200 403 403', 'POST': '302 422 403 403 422 403 403'},
 'web:job-order-detail': {'GET': {'in': '302 200 200 200 200 403 403', 'out': '302 200 200 200 404 403 403'}},
 'web:job-order-list': {'GET': '302 200 200 200 200 403 403'},
 'web:job-order-reject': {'POST': {'in': '302 422 403 403 403 403 403', 'out': '302 422 403 403 403 403 403'}},
 'web:job-order-verify': {'POST': {'in': '302 422 403 403 403 403 403', 'out': '302 422 403 403 403 403 403'}},
 'web:login': {'GET': '200 200 200 200 200 200 200', 'POST': '400 400 400 400 400 400 400'},
 'web:logout': {'POST': '302 302 302 302 302 302 302'},
 'web:password-change': {'GET': '302 200 200 200 200 200 200', 'POST': '302 400 400 400 400 400 400'},
 'web:person-access-report': {'GET': {'in': '302 200 200 200 403 403 403', 'out': '302 200 200 404 403 403 403'}},
 'web:person-access-report-xlsx': {'GET': {'in': '302 200 200 200 403 403 403', 'out': '302 200 200 404 403 403 403'}},
 'web:person-contact-add': {'POST': {'in': '302 422 422 422 422 404 404', 'out': '302 422 422 404 404 404 404'}},
 'web:person-contact-remove': {'POST': {'in': '302 302 403 302 302 403 403', 'out': '302 404 403 404 404 403 403'}},
 'web:person-create': {'GET': '302 200 403 200 200 403 403', 'POST': '302 422 403 422 422 403 403'},
 'web:person-detail': {'GET': {'in': '302 200 200 200 200 404 404', 'out': '302 200 200 404 404 404 404'}},
 'web:person-duplicate-check': {'POST': '302 200 200 200 200 403 403'},
 'web:person-duplicate-rescan': {'POST': {'in': '302 302 403 302 403 403 403', 'out': '302 302 403 404 403 403 403'}},
 'web:person-edit': {'GET': {'in': '302 200 403 200 200 403 403', 'out': '302 200 403 404 404 403 403'},
                     'POST': {'in': '302 422 403 422 422 403 403', 'out': '302 422 403 404 404 403 403'}},
 'web:person-export-csv': {'GET': '302 200 200 200 200 403 403'},
 'web:person-export-xlsx': {'GET': '302 200 200 200 200 403 403'},
 'web:person-list': {'GET': '302 200 200 200 200 200 200', 'POST': '302 303 303 303 303 303 303'},
 'web:person-nik-facts': {'POST': '302 200 403 200 200 403 403'},
 'web:person-passport-add': {'POST': {'in': '302 422 422 422 422 404 404', 'out': '302 422 422 404 404 404 404'}},
 'web:person-placements': {'GET': {'in': '302 200 200 200 200 404 404', 'out': '302 200 200 404 404 404 404'}},
 'web:person-unmerge': {'POST': {'in': '302 422 422 422 422 404 404', 'out': '302 422 422 404 404 404 404'}},
 'web:person-village-field': {'GET': '302 200 403 200 200 403 403'},
 'web:placement-checklist-add': {'POST': {'in': '302 422 422 422 422 404 403', 'out': '302 422 422 404 404 404 403'}},
 'web:placement-checklist-void': {'POST': {'in': '302 422 422 422 422 404 403', 'out': '302 422 422 404 404 404 403'}},
 'web:placement-create': {'GET': '302 200 403 200 200 403 403', 'POST': '302 422 403 422 422 403 403'},
 'web:placement-credential': {'GET': {'in': '302 200 403 200 200 404 403', 'out': '302 200 403 404 404 404 403'}},
 'web:placement-edit': {'GET': {'in': '302 200 403 200 200 403 403', 'out': '302 200 403 404 404 403 403'},
                        'POST': {'in': '302 302 403 302 302 403 403', 'out': '302 302 403 404 404 403 403'}},
 'web:placement-detail': {'GET': {'in': '302 200 200 200 200 404 403', 'out': '302 200 200 404 404 404 403'}},
 'web:placement-list': {'GET': '302 200 200 200 200 200 403', 'POST': '302 303 303 303 303 303 403'},
 'web:placement-transition': {'POST': {'in': '302 422 422 422 422 404 403', 'out': '302 422 422 404 404 404 403'}},
 'web:public-agencies': {'GET': '200 200 200 200 200 200 200'},
 'web:public-complaint': {'GET': '200 200 200 200 200 200 200', 'POST': '422 422 422 422 422 422 422'},
 'web:public-complaint-status': {'GET': '200 200 200 200 200 200 200', 'POST': '422 422 422 422 422 422 422'},
 'web:public-job-orders': {'GET': '200 200 200 200 200 200 200'},
 'web:public-edition': {'GET': '200 200 200 200 200 200 200'},
 'web:public-editions': {'GET': '200 200 200 200 200 200 200'},
 'web:public-statistics': {'GET': '200 200 200 200 200 200 200'},
 'web:sip2mi-issue': {'POST': {'in': '302 422 403 403 403 403 403', 'out': '302 422 403 403 403 403 403'}},
 'web:statistics': {'GET': '302 200 200 200 403 403 403'},
 'web:target-set': {'POST': '302 422 403 403 403 403 403'},
 'web:sip2mi-revoke': {'POST': {'in': '302 422 403 403 403 403 403', 'out': '302 422 403 403 403 403 403'}},
 'web:user-create': {'GET': '302 200 403 403 403 403 403', 'POST': '302 422 403 403 403 403 403'},
 'web:user-detail': {'GET': {'in': '302 200 403 403 403 403 403', 'out': '302 200 403 403 403 403 403'},
                     'POST': {'in': '302 302 403 403 403 403 403', 'out': '302 302 403 403 403 403 403'}},
 'web:user-list': {'GET': '302 200 403 403 403 403 403'},
 'web:user-reset-password': {'POST': {'in': '302 200 403 403 403 403 403', 'out': '302 200 403 403 403 403 403'}},
 'web:user-set-active': {'POST': {'in': '302 302 403 403 403 403 403', 'out': '302 302 403 403 403 403 403'}},
 'web:user-token-revoke': {'POST': {'in': '302 302 403 403 403 403 403', 'out': '302 302 403 403 403 403 403'}},
 'web:user-unlock': {'POST': {'in': '302 302 403 403 403 403 403', 'out': '302 302 403 403 403 403 403'}},
 'web:watchlist-detail': {'GET': {'in': '302 200 200 403 403 200 403', 'out': '302 200 200 403 403 200 403'},
                          'POST': {'in': '302 422 403 403 403 422 403', 'out': '302 422 403 403 403 422 403'}},
 'web:watchlist-list': {'GET': '302 200 200 403 403 200 403', 'POST': '302 200 403 403 403 200 403'}}


@pytest.fixture
def world(make_user, unit_jabar, agency, other_agency, make_person, make_job_order, make_placement, admin_user,
          regency, other_regency):
    return build_world(make_user, unit_jabar, agency, other_agency, make_person, make_job_order, make_placement,
                       admin_user, regency, other_regency)


def all_routes() -> dict[str, tuple[bool, str, str]]:
    """key -> (is_api, method or "" for a web route, route)."""
    routes = {name: (False, "", "/" + route) for name, route in web_routes().items()}
    routes.update({key: (True, method, path) for key, (method, path) in api_operations().items()})
    return routes


def observed(world, clients: Clients, key: str, methods) -> dict:
    is_api, _method, route = all_routes()[key]
    schema = openapi_schema() if is_api else None
    scoped = "_id>" in route or "_id}" in route
    result = {}
    for method in methods:
        body = sample_body(schema["paths"][route][method.lower()], schema) if is_api and method != "GET" else None
        by_scope = {}
        for scope in (("in", "out") if scoped else ("in",)):
            url = fill(route, values_for(world, scope, route))
            codes = []
            for role in ROLES:
                # Signing out ends the session: that route gets a client of its own each time.
                client = clients.get(role, api=is_api) if key != "web:logout" else Clients(world).get(role, api=False)
                codes.append(str(send(client, method, url, api=is_api, body=body)))
            by_scope[scope] = " ".join(codes)
        result[method] = by_scope if scoped else by_scope["in"]
    return result


def test_every_route_is_declared():
    assert sorted(set(all_routes()) - set(EXPECTED)) == [], "routes without an entry in EXPECTED"
    assert sorted(set(EXPECTED) - set(all_routes())) == [], "entries for routes that no longer exist"


def test_role_route_matrix(world):
    clients = Clients(world)
    wrong = {}
    for key, expected in sorted(EXPECTED.items()):
        if key not in all_routes():
            continue  # reported by test_every_route_is_declared
        got = observed(world, clients, key, list(expected))
        if got != expected:
            wrong[key] = {"expected": expected, "got": got}
    assert wrong == {}
