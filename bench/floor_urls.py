import json

from django.http import Http404, JsonResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from lindungi.registry.models import Person


@csrf_exempt
def lookup(request):
    nik = json.loads(request.body or b"{}").get("nik", "") if request.method == "POST" else request.GET.get("nik", "")
    row = (Person.objects.filter(nik=nik)
           .values("public_id", "nik", "full_name", "sex", "birth_date").first())
    if row is None:
        raise Http404
    return JsonResponse(row)


urlpatterns = [path("floor/lookup", lookup), path("login/", lambda r: JsonResponse({}))]
