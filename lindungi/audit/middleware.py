from lindungi.audit.context import current_route


class RequestContextMiddleware:
    """Gives the access log the route of the request: the URL pattern once the URL is resolved (so
    ``/persons/<uuid>/`` rather than one person's address), the path before that."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = current_route.set(request.path[:120])
        try:
            return self.get_response(request)
        finally:
            current_route.reset(token)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if match is not None:
            current_route.set(("/" + match.route if match.route else request.path)[:120])
        return None
