"""The ASGI application: ``create_app(store, logger)`` for ``ledger serve`` and the tests.

One guard (``web.access.guard``) signs every request in and applies the route's rule; one
error handler answers every exception (``web.errors``); one middleware adds the security
headers and logs each request (``web.middleware``). Submits run in the write lane, a process
of its own started on the first submit and stopped with the application (``web.lane``).
Request bodies are bounded by ``web.submit.MAX_BODY``; the OpenAPI schema is generated from
the routes (``/api/schema``).
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from litestar import Litestar, Router
from litestar.datastructures import State
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import JsonRenderPlugin
from litestar.openapi.spec import Components, SecurityScheme
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.template.config import TemplateConfig

from store.eventstore import Store
from web import api, console
from web.access import PUBLIC, guard
from web.context import Context
from web.errors import handle
from web.middleware import security_and_log
from web.submit import MAX_BODY

TEMPLATES = Path(__file__).parent / "templates"
# The threads that run the sync (reading) handlers, set by ``ledger serve``
# (``litestar.concurrency.set_asyncio_executor``): asyncio's default is cpu_count + 4, six
# on two cores. Submits do not take them (``web.api.post_commands`` waits for the lane on a
# thread of its own). The store keeps as many PostgreSQL connections, and two more: the
# sign-in check of a request reads the users on the event loop.
READ_THREADS = 16
SERVER_POOL = (READ_THREADS + 2, 8)
ROUTES = [*api.ROUTES, *console.ROUTES]


def templates() -> TemplateConfig[JinjaTemplateEngine]:
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(default=True),
                      trim_blocks=True, lstrip_blocks=True)
    env.filters["yuan"] = console.yuan_text
    return TemplateConfig(instance=JinjaTemplateEngine.from_environment(env))


def create_app(store: Store, logger: Any) -> Litestar:
    openapi = OpenAPIConfig(
        title="cs-hosting-ledger API", version="1",
        description="The billing ledger over HTTP: the same JSON as `ledger ... --json`. "
                    "Authenticate with `Authorization: Bearer <token>` (`ledger users add`).",
        path="/api/schema", render_plugins=[JsonRenderPlugin(path="/")],
        openapi_router=Router("/api/schema", route_handlers=[], opt={"access": PUBLIC}),
        components=Components(security_schemes={"bearer": SecurityScheme(type="http", scheme="bearer")}),
        security=[{"bearer": []}])
    ctx = Context.of(store, logger)
    return Litestar(
        route_handlers=ROUTES, on_startup=[ctx.start], on_shutdown=[ctx.close], guards=[guard],
        exception_handlers={Exception: handle},
        middleware=[security_and_log(logger)], openapi_config=openapi,
        template_config=templates(), state=State({"ctx": ctx}),
        request_max_body_size=MAX_BODY, type_encoders={Decimal: str}, debug=False,
        logging_config=None)
