"""ARKit's 52 face blendshape names, in Apple's order and spelling (`ARFaceAnchor.BlendShapeLocation`
raw values, e.g. "eyeBlink_L").

Why these names: ARKit-driven rigs, VRM and Ready Player Me avatars, MetaHuman via Live Link Face
and NVIDIA Audio2Face-3D all speak this set, so weights in it drive an avatar without a mapping
table. Live Link Face spells the same curves in camel case ("EyeBlinkLeft"): `live_link_name`.
`_L`/`_R` are the signer's own left and right, as ARKit measures the user's face.
"""
from __future__ import annotations

ARKIT_NAMES: tuple[str, ...] = (
    "eyeBlink_L", "eyeLookDown_L", "eyeLookIn_L", "eyeLookOut_L", "eyeLookUp_L", "eyeSquint_L",
    "eyeWide_L", "eyeBlink_R", "eyeLookDown_R", "eyeLookIn_R", "eyeLookOut_R", "eyeLookUp_R",
    "eyeSquint_R", "eyeWide_R", "jawForward", "jawLeft", "jawRight", "jawOpen", "mouthClose",
    "mouthFunnel", "mouthPucker", "mouthLeft", "mouthRight", "mouthSmile_L", "mouthSmile_R",
    "mouthFrown_L", "mouthFrown_R", "mouthDimple_L", "mouthDimple_R", "mouthStretch_L",
    "mouthStretch_R", "mouthRollLower", "mouthRollUpper", "mouthShrugLower", "mouthShrugUpper",
    "mouthPress_L", "mouthPress_R", "mouthLowerDown_L", "mouthLowerDown_R", "mouthUpperUp_L",
    "mouthUpperUp_R", "browDown_L", "browDown_R", "browInnerUp", "browOuterUp_L", "browOuterUp_R",
    "cheekPuff", "cheekSquint_L", "cheekSquint_R", "noseSneer_L", "noseSneer_R", "tongueOut",
)
ARKIT_INDEX = {name: i for i, name in enumerate(ARKIT_NAMES)}


def live_link_name(name: str) -> str:
    """Live Link Face's curve name of an ARKit blendshape: "eyeBlink_L" -> "EyeBlinkLeft"."""
    if name not in ARKIT_INDEX:
        raise KeyError(f"not an ARKit blendshape name: {name!r}")
    base = name.replace("_L", "Left").replace("_R", "Right")
    return base[0].upper() + base[1:]
