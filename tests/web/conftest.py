from browser import blocked_requests, chromium_browser, demo_server, page  # noqa: F401
from verification_fixtures import codec, label_world  # noqa: F401
