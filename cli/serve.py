"""``ledger serve``: the HTTP API and the web console on this store (issue 17, ``web/``)."""

from __future__ import annotations

import argparse
from typing import Any

from cli.args import Subcommands
from cli.exits import EXIT_OK


def register(cmds: Subcommands) -> None:
    sp = cmds.add("serve", "serve the HTTP API (/api) and the web console (/console)", cmd_serve,
                  json=False, example="ledger --db demo.db serve --port 8080")
    sp.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    sp.add_argument("--port", type=int, default=8080, help="port (default 8080; 0: any free port)")
    sp.set_defaults(needs_store=lambda _: False)  # opened below, with the server's pool


def cmd_serve(_: Any, args: argparse.Namespace) -> int:
    from concurrent.futures import ThreadPoolExecutor

    import uvicorn
    from litestar.concurrency import set_asyncio_executor

    from cli.log import configure
    from store.eventstore import open_store
    from web.app import READ_THREADS, SERVER_POOL, create_app

    store = open_store(args.db, create=False, pool=SERVER_POOL)
    set_asyncio_executor(ThreadPoolExecutor(READ_THREADS, thread_name_prefix="read"))
    app = create_app(store, configure())
    # One process: the store's connections and the users' cache are per process; uvicorn's
    # own access log is off (ours is one structured line per request, without tokens).
    uvicorn.run(app, host=args.host, port=args.port, log_config=None, access_log=False,
                server_header=False, date_header=True, lifespan="on", log_level="warning")
    return EXIT_OK
