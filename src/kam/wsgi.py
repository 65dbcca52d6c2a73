"""WSGI entry point for the production server (`kam serve`)."""

import os

from django.conf import settings
from django.core.wsgi import get_wsgi_application

from kam.core.busy import use_busy_timeout

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kam.settings")
application = get_wsgi_application()
# A page waits for an import's merge only briefly, then says "busy" (kam.core.busy).
use_busy_timeout(settings.KAM_WEB_BUSY_TIMEOUT_MS)
