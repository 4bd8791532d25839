from ninja import NinjaAPI

from lindungi.api.auth import API_AUTH
from lindungi.api.errors import install_error_handlers
from lindungi.api.routers import auth

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
)
install_error_handlers(api)
api.add_router("/auth", auth.router)


def _register_optional_routers() -> None:
    """Domain routers are added here as their modules land."""
    import importlib

    for prefix, module in [
        ("/persons", "lindungi.api.routers.persons"),
        ("/agencies", "lindungi.api.routers.agencies"),
        ("/public", "lindungi.api.routers.public"),
        ("/imports", "lindungi.api.routers.imports"),
        ("/reference", "lindungi.api.routers.reference"),
        ("/placements", "lindungi.api.routers.placements"),
        ("/job-orders", "lindungi.api.routers.job_orders"),
    ]:
        try:
            router_module = importlib.import_module(module)
        except ModuleNotFoundError as exc:
            if exc.name != module:
                raise
            continue
        api.add_router(prefix, router_module.router)


_register_optional_routers()
