"""Run localstripe, the embedded fake Stripe, on loopback: one more `make run` process, and the tests'.

localstripe's own entry point listens on every interface and keeps its state in the shared
``/tmp/localstripe.pickle``; this command binds to 127.0.0.1 only, keeps the state in a file under
``var/`` (or in memory), and registers the site's webhook endpoint so that events reach it signed
with ``STRIPE_WEBHOOK_SECRET``: the environment's, or else this installation's own random one, which
the settings keep in ``var/stripe-webhook-secret`` and the web process reads from the same file.
"""

import pickle
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from businesses.gateway import LOCALSTRIPE_WEBHOOK_ID


class Command(BaseCommand):
    help = "Serve localstripe (a fake Stripe API, signed webhooks and a mock Stripe.js) on loopback."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", type=int, default=settings.LOCALSTRIPE_PORT)
        parser.add_argument(
            "--state-file",
            default=str(Path(settings.VAR_DIR) / "localstripe.pickle"),
            help="where payments survive a restart; an empty value keeps them in memory only",
        )
        parser.add_argument(
            "--webhook-url", default="", help="the site's POST /stripe/webhook address, to send events to"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        # Imported here: only this process needs the fake server and its aiohttp stack.
        from aiohttp import web
        from localstripe import resources, server, webhooks

        state_file = Path(options["state_file"]) if options["state_file"] else None
        store = resources.store

        def load() -> None:
            if state_file is not None and state_file.exists():
                with state_file.open("rb") as file:
                    # Our own file, written by this command: it holds only localstripe's objects.
                    store.update(pickle.load(file))  # noqa: S301

        def dump() -> None:
            if state_file is not None:
                temporary = state_file.with_suffix(".tmp")
                with temporary.open("wb") as file:
                    pickle.dump(dict(store), file, protocol=pickle.HIGHEST_PROTOCOL)
                temporary.replace(state_file)

        # The store calls these on every change; replacing them on the instance moves its file.
        store.try_load_from_disk = load
        store.dump_to_disk = dump
        load()
        if options["webhook_url"]:
            webhooks.register_webhook(
                LOCALSTRIPE_WEBHOOK_ID, options["webhook_url"], settings.STRIPE_WEBHOOK_SECRET, None
            )
        self.stdout.write(f"localstripe on http://127.0.0.1:{options['port']}", ending="\n")
        self.stdout.flush()
        web.run_app(server.app, host="127.0.0.1", port=options["port"], print=None, access_log=None)
