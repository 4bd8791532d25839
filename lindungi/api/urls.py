from ninja import NinjaAPI

from lindungi.api.auth import API_AUTH
from lindungi.api.docs import VendoredSwagger
from lindungi.api.errors import install_error_handlers
from lindungi.api.routers import (
    agencies,
    audit,
    auth,
    cases,
    departures,
    exports,
    imports,
    institutions,
    job_orders,
    persons,
    placements,
    public,
    reference,
    returns,
    sanctions,
    statistics,
    supervision,
    users,
)

api = NinjaAPI(
    title="Lindungi API",
    version="1.0.0",
    description=(
        "JSON API of Lindungi, the information system for the placement and protection of Indonesian "
        "migrant workers. Obtain a token with POST /api/v1/auth/token and send it as "
        "`Authorization: Bearer <token>`. Errors are `{code, message, fields}`."
    ),
    auth=API_AUTH,
    urls_namespace="api",
    docs_url="/docs",
    docs=VendoredSwagger(),
)
install_error_handlers(api)
api.add_router("/auth", auth.router)
api.add_router("/persons", persons.router)
api.add_router("/agencies", agencies.router)
api.add_router("/public/job-orders", job_orders.public_router)
api.add_router("/public/statistics", statistics.public_router)
api.add_router("/statistics", statistics.router)
api.add_router("/public", public.router)
api.add_router("/public", cases.public_router)
api.add_router("/cases", cases.router)
api.add_router("/returns", returns.router)
api.add_router("/sanctions", sanctions.router)
api.add_router("/imports", imports.router)
api.add_router("/exports", exports.router)
api.add_router("/reference", reference.router)
api.add_router("/placements", placements.router)
api.add_router("/job-orders", job_orders.router)
api.add_router("", audit.router)
api.add_router("/users", users.router)
api.add_router("", departures.router)
api.add_router("/cost-rules", supervision.rules_router)
api.add_router("/exchange-rates", supervision.rates_router)
api.add_router("/persons", supervision.person_costs_router)
api.add_router("/costs", supervision.costs_router)
api.add_router("/overcharge-flags", supervision.flags_router)
api.add_router("/scorecards", supervision.scorecards_router)
api.add_router("", institutions.router)
