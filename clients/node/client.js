#!/usr/bin/env node
// signllm Node.js client: streams one sentence and prints a JSON summary on stdout.
// Usage: node clients/node/client.js [--server 127.0.0.1:50051] [--lang ase] [--token T]
//        [--payload PAYLOAD_ROTATIONS|PAYLOAD_KEYPOINTS|PAYLOAD_BOTH] [--no-face] "TEXT"
// The face channel (docs/face.md): header.face_names lists the ARKit blendshape names once, each
// frame.face carries their weights in that order (plus jaw, head and eye quaternions x,y,z,w).
// The names map 1:1 to Live Link Face curves (Unreal) and ARKit blendshape rigs (Unity); the
// summary keeps them: face.names, face.weights (one row per frame), face.peak (max per name).
// Loads the .proto at run time with @grpc/proto-loader: no code generation step.
'use strict';
const path = require('path');
const grpc = require('@grpc/grpc-js');
const protoLoader = require('@grpc/proto-loader');

const PROTO = path.join(__dirname, '..', '..', 'proto', 'signllm_api', 'v1', 'signllm.proto');

function parseArgs(argv) {
  const opts = { server: '127.0.0.1:50051', lang: 'ase', token: '', text: '', payload: 'PAYLOAD_ROTATIONS',
    noFace: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--server') opts.server = argv[++i];
    else if (a === '--lang') opts.lang = argv[++i];
    else if (a === '--token') opts.token = argv[++i];
    else if (a === '--payload') opts.payload = argv[++i];
    else if (a === '--no-face') opts.noFace = true;
    else opts.text = a;
  }
  return opts;
}

function loadService() {
  const definition = protoLoader.loadSync(PROTO, { keepCase: true, longs: Number, enums: String, defaults: true, oneofs: true });
  return grpc.loadPackageDefinition(definition).signllm.v1.SignLLM;
}

function main() {
  const opts = parseArgs(process.argv.slice(2));
  const SignLLM = loadService();
  const client = new SignLLM(opts.server, grpc.credentials.createInsecure());
  const metadata = new grpc.Metadata();
  if (opts.token) metadata.set('authorization', `Bearer ${opts.token}`);
  const summary = { order: [], frames: 0, times: [], joints: 0, header: null, status: null,
    face: { names: [], weights: [], peak: {} } };
  const call = client.Generate({ text: opts.text, language: opts.lang, payload: opts.payload,
    no_face: opts.noFace }, metadata, { deadline: Date.now() + 60000 });
  call.on('data', (msg) => {
    summary.order.push(msg.message);
    if (msg.message === 'header') {
      summary.header = { language: msg.header.language, fps: msg.header.fps, generator: msg.header.generator,
        joints: msg.header.skeleton ? msg.header.skeleton.joint_names.length : 0 };
      summary.face.names = msg.header.face_names;
    } else if (msg.message === 'frame') {
      summary.frames += 1;
      summary.times.push(msg.frame.time_code);
      summary.joints = msg.frame.rotations.length;
      if (msg.frame.face) {
        const weights = msg.frame.face.weights.map((w) => Math.round(w * 1000) / 1000);
        summary.face.weights.push(weights);
        summary.face.names.forEach((name, k) => {
          summary.face.peak[name] = Math.max(summary.face.peak[name] || 0, weights[k]);
        });
      }
    } else {
      summary.status = { code: msg.status.code, frames_sent: msg.status.frames_sent };
    }
  });
  call.on('error', (err) => {
    process.stdout.write(JSON.stringify({ error: { code: err.code, details: err.details } }) + '\n');
    process.exitCode = 1;
  });
  call.on('end', () => {
    // collapse the order to runs so the output stays short: header, frame, status
    summary.order = summary.order.filter((k, i, all) => i === 0 || all[i - 1] !== k);
    process.stdout.write(JSON.stringify(summary) + '\n');
  });
}

main();
