"""Spot-check API routes (filled in by the API work)."""

urlpatterns = []
