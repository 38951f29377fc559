"""Sign notation: HamNoSys and SiGML read into one typed `SignDescription`."""
from .description import *  # noqa: F401,F403
from .hamnosys import parse_hamnosys  # noqa: F401
from .sigml import read_sigml  # noqa: F401
