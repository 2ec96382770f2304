"""gunicorn settings for production and `make serve` (`-c gunicorn.conf.py survey_app.wsgi:app`).

Every setting can be overridden from the environment (GUNICORN_* below, or
gunicorn's own GUNICORN_CMD_ARGS). See docs/deployment.md.
"""

import multiprocessing
import os

from gunicorn import util
from gunicorn.glogging import Logger

from survey_app.serving import ROUTE_KEY, ServerErrorFilter, redact, write_error

# Loopback by default: nginx in front terminates TLS and forwards here. Never
# expose gunicorn directly with TRUSTED_PROXIES set (clients could forge their address).
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")

# Sync workers: nginx buffers slow phones' uploads and downloads, so a worker is only
# busy for the CPU + database time of one request. 2 × cores + 1 keeps the cores busy
# while some workers wait on the database.
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
worker_class = "gthread" if threads > 1 else "sync"

# preload_app = False: each worker imports the app and opens its own database engine
# after the fork. A preloaded app would create the SQLAlchemy engine in the master, and a
# connection pool (psycopg sockets, sqlite3 handles) shared across fork() corrupts
# sessions when two workers use one socket. Costs a few seconds of start-up per worker and
# some memory (~100 MB per worker: numpy/scipy for reports); buys isolation and lets
# `kill -HUP` reload code.
preload_app = False

# A report over millions of responses is a few GROUP BYs (seconds at most); anything
# slower is a bug to kill, not to wait for. Workers are recycled now and then so that a
# slow leak cannot grow without bound (jitter keeps them from restarting together).
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
keepalive = 5  # nginx keeps upstream connections open
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "20000"))
max_requests_jitter = 2000

# gunicorn ≥ 25 opens a control socket at one fixed path per user: a second instance on the
# same host (a second province, a benchmark) would clash with it, and it is one more way
# in. Off; restart through systemd instead.
control_socket_disable = True

# X-Forwarded-Proto is believed only from these addresses (nginx on the same host).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# Logs to stderr (systemd/journald or docker keeps them). The access log names the route
# pattern, never the path (single-use tokens), the query string, or the client's address
# (a response could otherwise be matched with who sent it and when).
accesslog = os.environ.get("GUNICORN_ACCESSLOG", "-")
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOGLEVEL", "info")
access_log_format = '%(t)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms'


def on_starting(server):
    """Refuse several workers on the in-memory rate-limit store: each worker would count
    on its own, and every limit would be multiplied by the number of workers."""
    storage = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    per_worker = os.environ.get("GUNICORN_ALLOW_MEMORY_LIMITS") == "1"  # tests, benchmarks
    if server.cfg.workers > 1 and storage.startswith("memory://") and not per_worker:
        server.log.error(
            "%s workers on RATELIMIT_STORAGE_URI=memory:// would multiply every rate limit "
            "by %s: set RATELIMIT_STORAGE_URI=redis://… (make serve starts one) or "
            "GUNICORN_WORKERS=1", server.cfg.workers, server.cfg.workers)
        raise SystemExit(2)


# gunicorn answers a malformed request (400) or an over-long request line (414) itself,
# before the app: with the app's security headers too, and no echo of the request.
util.write_error = write_error


class RedactingLogger(Logger):
    """gunicorn's logger with the personal atoms blanked and the path replaced by its route;
    its error log ("Invalid request from ip=…") without addresses or tokens."""

    def __init__(self, cfg):
        super().__init__(cfg)
        self.error_log.addFilter(ServerErrorFilter())

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        route = environ.get(ROUTE_KEY) or redact(environ.get("PATH_INFO", ""))
        atoms.update({
            "U": route,
            "r": f"{environ.get('REQUEST_METHOD', '-')} {route}",
            "q": "",
            "h": "-",
            "u": "-",
            "f": "-",  # the referrer would carry the form's own path
            "a": "-",  # user agents narrow down who answered
        })
        # Request headers and environ values ({name}i, {name}e) stay available only
        # through the keys above: drop the rest so a format change cannot leak them.
        for key in list(atoms):
            if key.startswith("{") and not key.endswith("}o"):
                atoms[key] = "-"
        return atoms


logger_class = RedactingLogger
