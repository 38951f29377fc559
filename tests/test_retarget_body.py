"""The mannequin: loads in smplx, our FK matches smplx's joints, mesh and weights are sane."""
import numpy as np
import pytest

from retarget import mannequin
from retarget.body import load_body
from retarget.kinematics import forward_kinematics, rotmats
from retarget.skeleton55 import VERTEX_IDS
from signllm.errors import BadInputError


@pytest.fixture(scope="module")
def body():
    return load_body()


def test_mannequin_file_has_smplx_keys_and_sizes(body):
    assert mannequin.mannequin_path().name.startswith("smplx_signllm_mannequin")
    assert len(body.v_template) >= 9930
    np.testing.assert_allclose(body.weights.sum(1), 1, atol=1e-9)
    assert (body.weights >= 0).all()
    assert body.faces.max() < len(body.v_template)


def test_fk_matches_smplx_joints(body):
    smplx = pytest.importorskip("smplx")
    import torch
    model = smplx.create(str(mannequin.mannequin_path()), model_type="smplx", use_pca=False,
                         flat_hand_mean=True, num_betas=10, num_expression_coeffs=10)
    rng = np.random.default_rng(0)
    T = 4
    pose = rng.normal(0, 0.4, (T, 55, 3))
    transl = rng.normal(0, 0.3, (T, 3))
    betas = rng.normal(0, 1.5, 10)
    t = lambda a: torch.tensor(a, dtype=torch.float32)
    out = model(global_orient=t(pose[:, 0]), body_pose=t(pose[:, 1:22].reshape(T, -1)),
                jaw_pose=t(pose[:, 22]), leye_pose=t(pose[:, 23]), reye_pose=t(pose[:, 24]),
                left_hand_pose=t(pose[:, 25:40].reshape(T, -1)),
                right_hand_pose=t(pose[:, 40:55].reshape(T, -1)), transl=t(transl),
                betas=t(np.tile(betas, (T, 1))), expression=torch.zeros(T, 10))
    theirs = out.joints[:, :55].detach().numpy()
    ours = forward_kinematics(rotmats(pose), body.rest_joints(betas), transl)[1]
    assert np.abs(ours - theirs).max() < 1e-5
    # the surface keypoints (nose, fingertips) are smplx's extra joints at the same vertex ids
    names = ["nose", "reye", "leye", "rear", "lear"]
    np.testing.assert_allclose(out.joints[0, 55:60].detach().numpy(),
                               out.vertices[0, [VERTEX_IDS[n] for n in names]].detach().numpy(), atol=1e-6)


def test_missing_model_file_is_a_clear_error(tmp_path):
    with pytest.raises(BadInputError, match="not found"):
        load_body(tmp_path / "nope.npz")
    bad = tmp_path / "bad.npz"
    np.savez(bad, v_template=np.zeros((3, 3)))
    with pytest.raises(BadInputError, match="missing"):
        load_body(bad)
    with pytest.raises(BadInputError, match="gender"):
        load_body(gender="robot")


def test_model_path_argument_and_environment(monkeypatch, tmp_path):
    path = mannequin.mannequin_path()
    as_user_file = load_body(str(path), betas=[1.0])
    assert not as_user_file.is_mannequin and as_user_file.betas[0] == 1.0
    monkeypatch.setenv("SIGNLLM_SMPLX_MODEL", str(tmp_path))  # a folder without SMPLX_MALE.npz
    with pytest.raises(BadInputError, match="SMPLX_MALE.npz"):
        load_body(gender="male")
