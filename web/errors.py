"""Errors as the API answers them: ``{"error": {"code", "message", "field"}}`` with the HTTP
status; the console shows a page instead (and sends a signed-out browser to sign in).
No traceback ever reaches a client: an unexpected error is logged and answered 500."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response
from litestar.exceptions import HTTPException, ValidationException
from litestar.response import Redirect, Template

from app.documents import PdfUnavailableError
from app.errors import ReportError
from app.export import ExportUsageError
from web.lane import LaneDownError
from web.submit import BodyError

CODES = {400: "invalid_value", 401: "unauthorized", 403: "forbidden", 404: "not_found",
         405: "method_not_allowed", 413: "too_large", 429: "too_many_requests",
         500: "internal", 503: "unavailable"}


def _field(exc: ValidationException) -> str | None:
    extra = exc.extra if isinstance(exc.extra, list) else []
    for item in extra:
        if isinstance(item, dict) and item.get("key"):
            return str(item["key"])
    return None


def classify(exc: Exception) -> tuple[int, str, str, str | None]:
    """(status, code, message, field) of an exception."""
    if isinstance(exc, BodyError):
        return exc.status, exc.code, exc.message, None
    if isinstance(exc, PdfUnavailableError | LaneDownError):
        return 503, "unavailable", str(exc), None
    if isinstance(exc, ReportError):
        return 404, "not_found", str(exc), None
    if isinstance(exc, ExportUsageError):
        return 400, "invalid_value", str(exc), None
    if isinstance(exc, ValidationException):
        field = _field(exc)
        message = str(exc.detail)
        if field and message == "Validation failed for GET":
            message = f"{field}: not a valid value"
        return 400, "invalid_value", message, field
    if isinstance(exc, HTTPException):
        status = exc.status_code
        return status, CODES.get(status, "error"), str(exc.detail), None
    return 500, "internal", "the server failed; the error is logged", None


def handle(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    status, code, message, field = classify(exc)
    if status >= 500 and code == "internal":
        request.app.state.ctx.logger.error("unexpected", error=type(exc).__name__,
                                           detail=str(exc)[:300])
    if request.url.path.startswith("/console"):
        if status == 401:
            return Redirect("/console/login", status_code=303)
        return Template("error.html", status_code=status, context={
            "status": status, "code": code, "message": message, "user": None, "nav": []})
    return Response({"error": {"code": code, "message": message, "field": field}},
                    status_code=status, media_type="application/json")
