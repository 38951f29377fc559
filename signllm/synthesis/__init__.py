"""Procedural sign synthesis: a `SignDescription` (HamNoSys / SiGML) → 50-joint `PoseSequence`."""
from .body import Body
from .synthesise import rest_pose, synthesise

__all__ = ["Body", "synthesise", "rest_pose"]
