from lindungi.accounts.scoping import scope_queryset


def person_scope_filter(queryset, actor):
    return scope_queryset(queryset, actor, regency_field="regency", agency_field="agency")
