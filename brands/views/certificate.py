"""The honour certificate as a PDF, for the bureau's staff and the honoured enterprise's own users. It is
answered for revoked and expired honours too, marked as such, since the holder keeps its file."""

from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponse
from django.shortcuts import get_object_or_404

from brands.certificate import certificate_filename, certificate_pdf
from brands.models import Honour


def honour_certificate(request, pk: int):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    # Staff read every certificate, an enterprise its own; anyone else none (a 404 as for a missing one): the public
    # list of current honours is not enough, a certificate is the holder's document.
    honours = Honour.objects.restrict(request.user, "view_record").select_related("enterprise", "product", "programme")
    honour = get_object_or_404(honours, pk=pk)
    response = HttpResponse(certificate_pdf(honour), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{certificate_filename(honour)}"'
    response["Cache-Control"] = "private, no-store"
    return response
