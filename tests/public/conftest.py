from verification_fixtures import codec, label_world  # noqa: F401
