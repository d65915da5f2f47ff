"""gunicorn's configuration for the site (`make serve`; `gunicorn -c jiceng/gunicorn.conf.py jiceng.wsgi`).

Everything can be set from the environment (names below); the defaults suit a 2-4 core machine behind a reverse
proxy that terminates TLS (nginx, a load balancer) and sends `X-Forwarded-Proto`.

Jiceng is a synchronous WSGI Django app whose requests spend most of their time in Python (rendering, the ORM) and
some waiting on PostgreSQL. Hence processes for the CPU (2 x cores + 1, gunicorn's own advice), and a few threads in
each (gthread) so that a worker serves another request while one waits on the database, and keeps HTTP keep-alive
connections without tying up a whole process per idle client. More threads only contend for the GIL: in the load
test (bench/load.py, bench/RESULTS.md) 4 threads served more than 1 or 8. Each thread holds its own PostgreSQL
connection (CONN_MAX_AGE), so the database sees up to workers x threads connections (5 x 4 = 20 on 2 cores).
"""
import multiprocessing
import os


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = _int("GUNICORN_WORKERS", 2 * multiprocessing.cpu_count() + 1)
worker_class = "gthread"
threads = _int("GUNICORN_THREADS", 4)
# A request that takes longer than this is killed (the worker restarted). Long work (imports, large exports,
# PDFs of a whole county) runs as a background job, so a page never needs a minute.
timeout = _int("GUNICORN_TIMEOUT", 60)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
keepalive = _int("GUNICORN_KEEPALIVE", 5)
# Restart each worker after this many requests (with jitter, so they do not restart together): bounds slow leaks.
max_requests = _int("GUNICORN_MAX_REQUESTS", 2000)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", 200)
# Uploads (Excel sheets) are buffered in temporary files; /dev/shm keeps the workers' heartbeat off the disk.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
# The proxy in front is on this machine unless told otherwise: its X-Forwarded-* headers are trusted from there.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")  # "-": standard output; "" turns it off
accesslog = accesslog or None
errorlog = os.environ.get("GUNICORN_ERROR_LOG", "-")
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# The usual combined format, then the request's time in milliseconds, the worker's pid and the request id that the
# site puts in every response (X-Request-Id, also in the change log).
access_log_format = ('%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" '
                     '%(M)sms %(p)s rid=%({x-request-id}o)s')
proc_name = "jiceng"
