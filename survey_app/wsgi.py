"""WSGI entry point for production servers: `gunicorn -c gunicorn.conf.py survey_app.wsgi:app`.

Configuration comes from the environment (survey_app/config.py): the app refuses
to start without a real SECRET_KEY. Behind nginx set TRUSTED_PROXIES=1 so that the
client's address (rate limits) and scheme (secure cookies, HSTS) come from
X-Forwarded-For / X-Forwarded-Proto; create_app applies ProxyFix for that hop count.
"""

from survey_app import create_app
from survey_app.serving import record_route

app = create_app()
record_route(app)  # the app's own logs are redacted by create_app
