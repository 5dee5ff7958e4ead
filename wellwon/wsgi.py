"""WSGI entry point (gunicorn ``wellwon.wsgi``).

The CQL session is created lazily on the first request of each worker, never at
import, so ``--preload`` cannot hand a parent's session to a forked child.
"""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wellwon.settings")
application = get_wsgi_application()
