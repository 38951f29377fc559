"""Body proportions, the torso / head volumes and the HamNoSys body sites placed on them.

Canonical frame: metres, origin at the neck, +Y up, +Z forward, +X the signer's left. Sites are
defined for the signer's right side (the dominant hand); the left hand is built mirrored.
The torso is an elliptic cylinder and the head an ellipsoid; the same two volumes give the
sites' surface points / normals and the plausibility check (`inside_body`), so a hand placed
on a site is on the surface that the check uses.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Body:
    """An adult of ~1.7 m: the bundled mannequin's rest keypoints (the avatar the motion is
    retargeted to), so that where a hand is placed is where the avatar's hand can be; a
    proportion the avatar lacks (the upper arm 3 cm longer, the shoulders 6 cm higher, as
    before) moved every contact 2-4 cm once fitted."""
    shoulder_width: float = 0.36
    shoulder_drop: float = 0.08       # shoulder joints below the neck joint
    upper_arm: float = 0.26
    forearm: float = 0.25
    hand_scale: float = 1.08          # 1.0: wrist → middle fingertip 0.185 m (the mannequin 0.20)
    nose_height: float = 0.143        # nose above the neck joint
    nose_forward: float = 0.131
    # torso: elliptic cylinder around the Y axis; torso and head as measured from the bundled
    # mannequin's rest mesh (retarget/volume.py: chest half-widths 0.146 x 0.094 m about z 0.01;
    # head centre z 0.028, half-axes 0.085 / 0.11 / 0.103 m), so that a contact here is a
    # contact on the avatar after retargeting
    torso_half_width: float = 0.145
    torso_half_depth: float = 0.094
    torso_centre_z: float = 0.01
    torso_top: float = -0.03
    torso_bottom: float = -0.60
    # head: ellipsoid
    head_centre: tuple = (0.0, 0.17, 0.028)
    head_radii: tuple = (0.085, 0.11, 0.103)

    @classmethod
    def from_joints(cls, joints: np.ndarray) -> "Body":
        """Proportions from one canonical 50-joint frame (a user's rest frame); volumes scale
        with the shoulder width."""
        j = np.asarray(joints, dtype=float)
        sw = float(np.linalg.norm(j[2] - j[5]))
        s = sw / cls.shoulder_width
        ua = float(np.mean([np.linalg.norm(j[2] - j[3]), np.linalg.norm(j[5] - j[6])]))
        fa = float(np.mean([np.linalg.norm(j[3] - j[4]), np.linalg.norm(j[6] - j[7])]))
        d = cls()
        return cls(shoulder_width=sw, shoulder_drop=float(-(j[2, 1] + j[5, 1]) / 2),
                   upper_arm=ua, forearm=fa, hand_scale=s, nose_height=float(j[0, 1]),
                   nose_forward=float(j[0, 2]), torso_half_width=d.torso_half_width * s,
                   torso_half_depth=d.torso_half_depth * s, torso_centre_z=d.torso_centre_z * s,
                   torso_top=d.torso_top * s, torso_bottom=d.torso_bottom * s,
                   head_centre=tuple(np.array(d.head_centre) * s),
                   head_radii=tuple(np.array(d.head_radii) * s))

    def shoulder(self, right: bool = True) -> np.ndarray:
        return np.array([-self.shoulder_width / 2 if right else self.shoulder_width / 2,
                         -self.shoulder_drop, 0.0])

    def inside_body(self, points: np.ndarray, margin: float = 0.0) -> np.ndarray:
        """Boolean mask of points (…, 3) inside the torso or the head (shrunk by `margin`)."""
        p = np.asarray(points, dtype=float)
        tx = p[..., 0] / (self.torso_half_width - margin)
        tz = (p[..., 2] - self.torso_centre_z) / (self.torso_half_depth - margin)
        torso = (tx ** 2 + tz ** 2 < 1) & (p[..., 1] < self.torso_top) & \
            (p[..., 1] > self.torso_bottom)
        q = (p - np.array(self.head_centre)) / (np.array(self.head_radii) - margin)
        return torso | ((q ** 2).sum(-1) < 1)

    def outward(self, points: np.ndarray) -> np.ndarray:
        """(…, 3) outward unit normals at each point: of the head's ellipsoid for a point inside
        the head, else of the torso's cylinder — the shortest way out of the volume it is in."""
        p = np.asarray(points, dtype=float)
        c, r = np.array(self.head_centre), np.array(self.head_radii)
        head = (p - c) / r ** 2
        torso = np.stack([p[..., 0] / self.torso_half_width ** 2, np.zeros(p.shape[:-1]),
                          (p[..., 2] - self.torso_centre_z) / self.torso_half_depth ** 2], -1)
        in_head = (((p - c) / r) ** 2).sum(-1) < 1
        n = np.where(in_head[..., None], head, torso)
        return n / np.maximum(np.linalg.norm(n, axis=-1, keepdims=True), 1e-9)

    def torso_surface(self, x: float, y: float):
        """Front surface point and outward normal of the torso at (x, y)."""
        a, b = self.torso_half_width, self.torso_half_depth
        x = float(np.clip(x, -0.95 * a, 0.95 * a))
        z = self.torso_centre_z + b * np.sqrt(1 - (x / a) ** 2)
        n = np.array([x / a ** 2, 0.0, (z - self.torso_centre_z) / b ** 2])
        return np.array([x, y, z]), n / np.linalg.norm(n)

    def head_surface(self, direction):
        """Surface point and normal of the head ellipsoid along `direction` from its centre."""
        c, r = np.array(self.head_centre), np.array(self.head_radii)
        d = np.asarray(direction, dtype=float)
        t = 1 / np.sqrt(((d / r) ** 2).sum())
        p = c + t * d
        n = (p - c) / r ** 2
        return p, n / np.linalg.norm(n)


# Head sites: direction from the head centre (x toward the signer's left, y up, z forward),
# re-expressed from the SignON avatar's sites (data/hamnosys/signon-avatar-sites.json) for the
# right-hand side; torso sites: (x, height below the neck) on the torso's front.
HEAD_SITES = {"headtop": (0, 1, 0.1), "head": (0, 0.55, 1), "forehead": (0, 0.55, 1),
              "eyebrows": (0, 0.45, 1), "eyes": (0, 0.35, 1), "nose": (0, 0.05, 1),
              "nostrils": (0, -0.05, 1), "lips": (0, -0.4, 1), "tongue": (0, -0.4, 1),
              "teeth": (0, -0.4, 1), "chin": (0, -0.8, 1), "underchin": (0, -1, 0.35),
              "cheek": (-0.8, -0.1, 0.6), "ear": (-1, 0.1, -0.1), "earlobe": (-1, -0.3, 0)}
TORSO_SITES = {"neck": (0.0, -0.04), "shoulders": (0.0, -0.08), "shouldertop": (-0.13, -0.05),
               "chest": (0.0, -0.20), "stomach": (0.0, -0.40), "belowstomach": (0.0, -0.52)}
# Lateral variants (HamNoSys "at" / "beside" the site, to either side), metres along X.
SIDE_OFFSETS = {None: 0.0, "right_at": -0.07, "right_beside": -0.15, "left_at": 0.07,
                "left_beside": 0.15}
NEUTRAL = np.array([-0.10, -0.24, 0.30])   # neutral signing space of the dominant hand


def body_site(body: Body, site: str, side: str | None):
    """(surface point, outward normal) of a body site, or None for a site not on the body."""
    dx = SIDE_OFFSETS.get(side, 0.0) * body.hand_scale
    if site in HEAD_SITES:
        p, _ = body.head_surface(HEAD_SITES[site])
        p, n = body.head_surface(p + np.array([dx, 0, 0]) - np.array(body.head_centre))
        if site in ("nose", "nostrils"):
            p = p + n * 0.015 * body.hand_scale
        return p, n
    if site in TORSO_SITES:
        x, y = TORSO_SITES[site]
        s = body.hand_scale
        return body.torso_surface(x * s + dx, y * s)
    return None
