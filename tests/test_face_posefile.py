"""The face in `.pose` files: two named components that pose-format tools list, read back into
the same face track; broken face components give one clear error."""
import io

import numpy as np
import pytest

from signllm import formats
from signllm.errors import BadInputError
from signllm.face.timeline import FACE_NAMES, WordSpan, compose
from signllm.formats.posefile import FACE_COMPONENT, FACE_ROTATIONS, to_pose
from signllm.pose import PoseSequence

pytest.importorskip("pose_format")


def sequence_with_face(frames=60):
    rng = np.random.default_rng(0)
    seq = PoseSequence.from_joints(rng.normal(0, 0.2, (frames, 50, 3)), text="Wo nicht?",
                                   language="sgg")
    spans = [WordSpan("Wo", 5, 25, 0), WordSpan("nicht", 30, 55, 1, gloss="NICHT")]
    return seq.with_(face=compose("Wo nicht?", spans, frames, seq.fps, "de").track)


def test_face_round_trips_through_pose(tmp_path):
    seq = sequence_with_face()
    path = tmp_path / "face.pose"
    formats.write(path, [seq])
    back = formats.read(path)[0]
    assert back.face is not None and back.face.names == FACE_NAMES
    for field in ("weights", "jaw", "head", "eyes"):
        assert np.allclose(getattr(back.face, field), getattr(seq.face, field), atol=1e-6), field
    assert np.allclose(back.joints, seq.joints, atol=1e-5)
    assert back.text == "Wo nicht?"


def test_pose_format_sees_named_face_components(tmp_path):
    from pose_format import Pose

    path = tmp_path / "face.pose"
    formats.write(path, [sequence_with_face()])
    pose = Pose.read(path.read_bytes())
    components = {c.name: c for c in pose.header.components}
    assert tuple(components[FACE_COMPONENT].points) == FACE_NAMES
    assert list(components[FACE_ROTATIONS].points) == ["head", "jaw", "eye_left", "eye_right"]


def test_without_a_face_the_file_is_as_before(tmp_path):
    seq = sequence_with_face().with_(face=None)
    path = tmp_path / "plain.pose"
    formats.write(path, [seq])
    assert formats.read(path)[0].face is None
    names = [c.name for c in to_pose(seq).header.components]
    assert FACE_COMPONENT not in names and FACE_ROTATIONS not in names


def _write_broken(tmp_path, change):
    pose = to_pose(sequence_with_face())
    change(pose)
    buffer = io.BytesIO()
    pose.write(buffer)
    path = tmp_path / "broken.pose"
    path.write_bytes(buffer.getvalue())
    return path


def _face_offset(pose):
    names = [c.name for c in pose.header.components]
    return sum(len(c.points) for c in pose.header.components[:names.index(FACE_COMPONENT)])


def test_out_of_range_face_weights_are_refused(tmp_path):
    def change(pose):
        pose.body.data.data[3, 0, _face_offset(pose), 0] = 7.0
    with pytest.raises(BadInputError, match=r"SIGNLLM_FACE_ARKIT.*\[0, 1\]"):
        formats.read(_write_broken(tmp_path, change))


def test_non_arkit_face_names_are_refused(tmp_path):
    def change(pose):
        comp = [c for c in pose.header.components if c.name == FACE_COMPONENT][0]
        comp.points[0] = "notAShape"
    with pytest.raises(BadInputError, match="not ARKit"):
        formats.read(_write_broken(tmp_path, change))


def test_nan_face_values_are_refused(tmp_path):
    def change(pose):
        pose.body.data.data[2, 0, _face_offset(pose) + len(FACE_NAMES), 1] = np.nan
    with pytest.raises(BadInputError):
        formats.read(_write_broken(tmp_path, change))
