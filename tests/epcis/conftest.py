from epcis_world import world  # noqa: F401 - the fixture, shared by this directory
