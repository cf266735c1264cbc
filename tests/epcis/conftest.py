from epcis_world import world  # noqa: F401 - the fixture, shared by this directory
from packing_line import line  # noqa: F401 - the fixture, shared by this directory
