"""The built-in provider simulator (DESIGN.md "The simulator").

A real HTTP/1.1 server on loopback that speaks each provider's wire format at each provider's
speed, with faults on request and deterministic replies that carry a real edit.
"""

from redline.backends.sim.faults import FAULTS, Fault, parse_fault
from redline.backends.sim.profiles import PROFILES, Profile, get_profile
from redline.backends.sim.server import SimServer

__all__ = ["FAULTS", "PROFILES", "Fault", "Profile", "SimServer", "get_profile", "parse_fault"]
