"""The server (issue 17): one ASGI application (Litestar) over one store.

- ``app``: assembles the application: routes, guard, error handlers, middleware, OpenAPI.
- ``access``: who may call which route (rules attached to each route handler), sign-in by
  token or session, CSRF tokens.
- ``context``: what every handler shares (the store, users, contract owners, sessions).
- ``submit``: commands over HTTP: JSON array or JSON Lines in, role checks, intake.
- ``api``: the JSON API (``/api``), the same shapes as the CLI's ``--json``.
- ``console``: the web console (``/console``), server-rendered HTML from ``templates/``.
- ``middleware``: security headers and one log line per request.

It imports ``app/`` and below; nothing imports it but ``cli.serve``.
"""
