from verification_fixtures import client_from, codec, label_world  # noqa: F401
