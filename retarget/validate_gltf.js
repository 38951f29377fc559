// Validate a .glb with the Khronos glTF validator (npm gltf-validator); prints the report's
// issue counts as JSON. Usage: node retarget/validate_gltf.js FILE.glb
const fs = require('fs');
const path = require('path');
const validator = require(path.join(__dirname, '..', 'node_modules', 'gltf-validator'));
const data = new Uint8Array(fs.readFileSync(process.argv[2]));
validator.validateBytes(data, {maxIssues: 50}).then((report) => {
  const messages = report.issues.messages.map((m) => `${m.code} ${m.pointer || ''} ${m.message}`);
  console.log(JSON.stringify({errors: report.issues.numErrors, warnings: report.issues.numWarnings,
                              infos: report.issues.numInfos, messages: messages}));
}).catch((err) => { console.error(String(err)); process.exit(1); });
