"""What every Bazaar service class inherits: the request context and a `ping` RPC for `/ready`."""

from __future__ import annotations

import logging
import os
import socket

from sqlalchemy import text

from services.common.context import RequestContext
from services.common.rpc import rpc

log = logging.getLogger(__name__)


class BazaarService:
    context = RequestContext()

    @rpc
    def ping(self) -> dict:
        """Answer `/ready`: the service, the process that answered, and its database's state
        (`database`: "up"/"down", absent when the service owns no database)."""
        answer = {"service": self.name, "host": socket.gethostname(), "pid": os.getpid()}
        db = getattr(self, "db", None)
        if db is not None:
            try:
                db.session.execute(text("SELECT 1"))
                answer["database"] = "up"
            except Exception as exc:
                log.warning("database check failed: %s", exc)
                answer["database"] = "down"
        return answer
