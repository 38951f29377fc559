// signllm Unity client: streams a sentence from `signllm serve` and drives an SMPL-X rig.
//
// Setup (cannot run in this repository; documented in docs/server.md):
//  1. Packages: Grpc.Net.Client, Google.Protobuf, and an HTTP/2 handler for Unity, e.g.
//     YetAnotherHttpHandler (Cysharp) — Unity's own HttpClient does not speak HTTP/2.
//  2. Generate C# from proto/signllm_api/v1/signllm.proto with Grpc.Tools
//     (protoc --csharp_out --grpc_out); the namespace is Signllm.V1.
//  3. Import the avatar: call GetAvatar(include_glb = true) and load the GLB with UnityGLTF or
//     glTFast, or use your own SMPL-X FBX whose bones carry the SMPL-X joint names.
//  4. Add this component to the avatar root and assign `Bones` in SMPL-X joint order, or leave it
//     empty to look the bones up by the names in the stream header.
//  5. Face (optional): assign `Face`, the SkinnedMeshRenderer whose blend shapes carry ARKit's
//     names (ARKit Face Tracking rigs, Ready Player Me / VRM avatars with the 52 ARKit shapes, or
//     the GLB's painted face, whose morph targets are named so). The header lists the names once
//     (`FaceNames`); each frame's `Face.Weights` follow that order in [0, 1], Unity wants 0-100.
//     `_L`/`_R` are the signer's own sides, as ARKit names them: no swap for the mirror below.
//     The jaw and eye rotations are already in `Rotations` (their SMPL-X joints): apply once.
//
// Axis conversion, spelled out. signllm: right-handed, +Y up, +Z forward (out of the signer's
// chest), +X the signer's LEFT, metres. Unity: left-handed, +Y up, +Z forward, +X right.
// The two frames differ by a mirror of X (the same convention UnityGLTF uses on import: it
// negates X). For a mirror S = diag(-1, 1, 1):
//   position  (x, y, z)      -> (-x, y, z)
//   rotation  q = (x, y, z, w) -> S q S = (x, -y, -z, w)
// The rest pose is the identity on every joint, so the streamed local rotations are applied as
//   bone.localRotation = restLocalRotation[bone] * Convert(q)
// which also works when the imported rig's bind pose has non-identity bone orientations.
using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Cysharp.Net.Http;                  // YetAnotherHttpHandler
using Grpc.Core;
using Grpc.Net.Client;
using Signllm.V1;
using UnityEngine;

public class SignLLMClient : MonoBehaviour
{
    public string server = "http://127.0.0.1:50051";   // https:// with `signllm serve --tls-cert`
    public string token = "";                          // `signllm serve --token-file`
    public string text = "hello world";
    public string language = "ase";
    public Transform[] Bones = new Transform[0];       // 55 SMPL-X joints, or empty: by name
    public SkinnedMeshRenderer Face;                   // ARKit-named blend shapes, or none

    private readonly Queue<Frame> _frames = new Queue<Frame>();
    private readonly object _lock = new object();
    private Quaternion[] _rest;
    private Vector3 _restPelvis;
    private int[] _shapes;                             // blend shape index per header face name
    private CancellationTokenSource _cancel;

    public static Vector3 ToUnity(Vec3 v) => new Vector3(-v.X, v.Y, v.Z);
    public static Quaternion ToUnity(Quat q) => new Quaternion(q.X, -q.Y, -q.Z, q.W);

    async void Start()
    {
        _cancel = new CancellationTokenSource();
        var handler = new YetAnotherHttpHandler { Http2Only = true };
        using var channel = GrpcChannel.ForAddress(server, new GrpcChannelOptions { HttpHandler = handler });
        var client = new SignLLM.SignLLMClient(channel);
        var headers = new Metadata();
        if (!string.IsNullOrEmpty(token)) headers.Add("authorization", $"Bearer {token}");
        var request = new GenerateRequest { Text = text, Language = language,
                                            Payload = Payload.Rotations, Pacing = Pacing.Realtime,
                                            NoFace = Face == null };
        try
        {
            using var call = client.Generate(request, headers, cancellationToken: _cancel.Token);
            while (await call.ResponseStream.MoveNext(_cancel.Token))
            {
                var msg = call.ResponseStream.Current;
                switch (msg.MessageCase)
                {
                    case GenerateResponse.MessageOneofCase.Header: BindSkeleton(msg.Header); break;
                    case GenerateResponse.MessageOneofCase.Frame: lock (_lock) _frames.Enqueue(msg.Frame); break;
                    case GenerateResponse.MessageOneofCase.Status:
                        Debug.Log($"signllm: {msg.Status.Code} {msg.Status.FramesSent} frames"); break;
                }
            }
        }
        catch (RpcException e) when (e.StatusCode != StatusCode.Cancelled)
        {
            // INVALID_ARGUMENT / NOT_FOUND (unknown language) / FAILED_PRECONDITION (no data) /
            // RESOURCE_EXHAUSTED (server busy: retry later) / UNAUTHENTICATED (token)
            Debug.LogError($"signllm: {e.StatusCode}: {e.Status.Detail}");
        }
    }

    void BindSkeleton(Header header)
    {
        if (Bones.Length == 0)
        {
            var byName = new Dictionary<string, Transform>();
            foreach (var t in GetComponentsInChildren<Transform>()) byName[t.name] = t;
            Bones = new Transform[header.Skeleton.JointNames.Count];
            for (int i = 0; i < Bones.Length; i++)
                byName.TryGetValue(header.Skeleton.JointNames[i], out Bones[i]);
        }
        _rest = new Quaternion[Bones.Length];
        for (int i = 0; i < Bones.Length; i++) _rest[i] = Bones[i] ? Bones[i].localRotation : Quaternion.identity;
        if (Bones.Length > 0 && Bones[0]) _restPelvis = Bones[0].localPosition;
        _shapes = new int[header.FaceNames.Count];
        for (int k = 0; k < _shapes.Length; k++)
            _shapes[k] = Face ? ShapeIndex(Face.sharedMesh, header.FaceNames[k]) : -1;
    }

    // An FBX importer may prefix shape names ("blendShape1.jawOpen"): match the exact name first,
    // then a name that ends in "." + the ARKit name. -1: the rig lacks it (the weight is skipped).
    static int ShapeIndex(Mesh mesh, string name)
    {
        int exact = mesh.GetBlendShapeIndex(name);
        if (exact >= 0) return exact;
        for (int i = 0; i < mesh.blendShapeCount; i++)
            if (mesh.GetBlendShapeName(i).EndsWith("." + name, StringComparison.Ordinal)) return i;
        return -1;
    }

    // Frames arrive paced in real time (Pacing.Realtime); apply the newest on the main thread.
    void Update()
    {
        Frame frame = null;
        lock (_lock) while (_frames.Count > 0) frame = _frames.Dequeue();
        if (frame == null || _rest == null) return;
        for (int i = 0; i < Bones.Length && i < frame.Rotations.Count; i++)
            if (Bones[i]) Bones[i].localRotation = _rest[i] * ToUnity(frame.Rotations[i]);
        if (Bones.Length > 0 && Bones[0])   // SMPL-X transl moves the pelvis from its rest place (metres = Unity units)
            Bones[0].localPosition = _restPelvis + ToUnity(frame.RootTranslation);
        if (Face && frame.Face != null)
            for (int k = 0; k < _shapes.Length && k < frame.Face.Weights.Count; k++)
                if (_shapes[k] >= 0) Face.SetBlendShapeWeight(_shapes[k], 100f * frame.Face.Weights[k]);
    }

    void OnDestroy() => _cancel?.Cancel();   // cancels the stream: the server frees its worker at once
}
