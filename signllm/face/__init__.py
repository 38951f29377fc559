"""The non-manual channel: mouthing, brows, head and eyes as ARKit blendshapes (+ jaw/head/eye
rotations), timed with the manual signs of a sentence.

Why a package of its own: the face is a second output stream next to the keypoints, built from
the same per-word frame spans. Modules, one job each:
- `arkit`: the 52 ARKit blendshape names (the convention avatar rigs and Live Link Face speak);
- `phonemes`: a spoken word -> its phonemes (espeak-ng, a real grapheme-to-phoneme engine);
- `visemes`: phonemes (IPA, or SAMPA from a notation's mouth picture) -> viseme classes ->
  ARKit weights;
- `track`: `FaceTrack`, the per-frame weights and rotations of one clip;
- `curves`: easing and smoothing over frames;
- `gaze`: the eyes on the spelling hand during fingerspelling;
- `timeline`: words with frame spans -> a `FaceTrack` (mouthing, grammar, blinks, gaze).
Nothing here imports the generators: they call `timeline.compose`.
"""
