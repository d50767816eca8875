"""WSGI entry point of Keystone for gunicorn.

Why not keystone's own wsgi script: keystone parses sys.argv with oslo.config,
and gunicorn's command line would make the worker exit(2). The config file
comes from OS_KEYSTONE_CONFIG_FILES, which xtask sets.
"""
import sys

sys.argv = sys.argv[:1]
from keystone.server import wsgi  # noqa: E402

application = wsgi.initialize_public_application()
