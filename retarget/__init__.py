"""Keypoints -> SMPL-X motion: bodies (user's SMPL-X or the licence-free mannequin), batched and
streaming joint-space fitting, BVH / GLB / AMASS export and preview video. See docs/retarget.md.

Entry points: `retarget.body.load_body`, `retarget.fit.fit_sequence`, `retarget.fit.StreamingFitter`,
`retarget.export.write_motion`, `retarget.export_glb.avatar_glb_bytes`.
"""
