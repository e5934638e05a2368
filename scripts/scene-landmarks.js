// face-api's detection and 68 landmarks on each still of the test scenes, printed as JSON (see
// testdata/scenes/README.md). Runs with the pure-JS CPU backend of TensorFlow.js, weights loaded from the
// package's own manifests. Usage: node scripts/scene-landmarks.js NODE_MODULES_DIR STILL.ppm...
const fs = require('fs');
const path = require('path');
const modules = path.resolve(process.argv[2]);
const tf = require(path.join(modules, '@tensorflow/tfjs'));
const faceapi = require(path.join(modules, '@vladmandic/face-api/dist/face-api.node-wasm.js'));
const modelDir = path.join(modules, '@vladmandic/face-api/model');

function load(net, name) {
  const manifest = JSON.parse(fs.readFileSync(path.join(modelDir, name + '-weights_manifest.json'), 'utf8'));
  const specs = [];
  const buffers = [];
  for (const group of manifest) {
    specs.push(...group.weights);
    for (const p of group.paths) buffers.push(fs.readFileSync(path.join(modelDir, p)));
  }
  const all = Buffer.concat(buffers);
  const weights = tf.io.decodeWeights(all.buffer.slice(all.byteOffset, all.byteOffset + all.length), specs);
  net.loadFromWeightMap(weights);
}

function readPpm(file) {
  const b = fs.readFileSync(file);
  const header = b.subarray(0, 64).toString('latin1').split(/\s+/);
  if (header[0] !== 'P6' || header[3] !== '255') throw new Error(file + ' is not an 8-bit binary PPM');
  const w = Number(header[1]);
  const h = Number(header[2]);
  const offset = b.length - w * h * 3;
  return tf.tensor3d(new Int32Array(b.subarray(offset)), [h, w, 3], 'int32');
}

async function main() {
  await tf.setBackend('cpu');
  await tf.ready();
  load(faceapi.nets.ssdMobilenetv1, 'ssd_mobilenetv1_model');
  load(faceapi.nets.faceLandmark68Net, 'face_landmark_68_model');
  const out = {};
  for (const file of process.argv.slice(3)) {
    const image = readPpm(file);
    const found = await faceapi.detectAllFaces(image, new faceapi.SsdMobilenetv1Options()).withFaceLandmarks();
    // face-api's coordinates put pixel i on [i, i + 1]; the project's put its centre at i
    out[path.basename(file, '.ppm')] = {
      width: image.shape[1],
      height: image.shape[0],
      faces: found.map((f) => ({
        score: f.detection.score,
        box: [f.detection.box.x - 0.5, f.detection.box.y - 0.5, f.detection.box.width, f.detection.box.height],
        landmarks68: f.landmarks.positions.map((p) => [p.x - 0.5, p.y - 0.5]),
      })),
    };
    tf.dispose(image);
    process.stderr.write(path.basename(file) + ': ' + found.length + ' face(s)\n');
  }
  const r = (v) => Math.round(v * 1000) / 1000;  // the network's own error is far above a thousandth of a pixel
  const lines = Object.entries(out).map(([name, still]) => '  ' + JSON.stringify(name) + ': ' + JSON.stringify({
    width: still.width,
    height: still.height,
    faces: still.faces.map((f) => ({ score: r(f.score), box: f.box.map(r), landmarks68: f.landmarks68.map((p) => p.map(r)) })),
  }));
  process.stdout.write('{\n "source": ' + JSON.stringify('face-api ' + faceapi.version
    + ', SsdMobilenetv1Options() defaults, faceLandmark68Net; TensorFlow.js ' + tf.version_core + ', backend ' + tf.getBackend())
    + ',\n "coordinates": "pixels of the still, pixel centres at integer coordinates",\n "stills": {\n'
    + lines.join(',\n') + '\n }\n}\n');
}

main().catch((e) => { process.stderr.write(String(e.stack || e) + '\n'); process.exit(1); });
