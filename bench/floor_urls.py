from django.http import Http404, JsonResponse
from django.urls import path

from lindungi.registry.models import Person


def lookup(request):
    row = (Person.objects.filter(nik=request.GET.get("nik", ""))
           .values("public_id", "nik", "full_name", "sex", "birth_date").first())
    if row is None:
        raise Http404
    return JsonResponse(row)


urlpatterns = [path("floor/lookup", lookup), path("login/", lambda r: JsonResponse({}))]
