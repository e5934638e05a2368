// The landmark section of scripts/make-face-fixtures (kept apart until it is merged in).
'use strict';

// ---- section: the 68-point landmark net, alone on fixed crops and after the detector ----

/** The net alone: face crops (PNG) -> its 136 raw outputs, fractions of the padded square's side. */
async function landmarkNetAlone(ctx, inputs) {
  const { tf, faceapi, round } = ctx;
  const net = faceapi.nets.faceLandmark68Net;
  const byName = Object.fromEntries(inputs.map((img) => [img.name, img]));
  const fullSize = ctx.readJpeg(ctx.path.join(ctx.FACE_API_DIR, 'demo', 'sample1.jpg'));
  // taller than wide and smaller than 112 (upsampled, padded left/right), wider than tall (padded top/bottom),
  // exactly 112 x 112 (no resize), and a full-size face larger than 112 (downsampled)
  const crops = [
    { name: 'landmarks-crop-tall.png', from: byName['sample1.png'], box: 'face' },
    { name: 'landmarks-crop-wide.png', from: byName['sample2.png'], box: 'wide' },
    { name: 'landmarks-crop-112.png', from: byName['sample5.png'], box: '112' },
    { name: 'landmarks-crop-large.png', from: fullSize, box: 'face' },
  ];
  const detector = faceapi.nets.ssdMobilenetv1;
  const result = { model: 'face_landmark_68_model', crops: [] };
  for (const c of crops) {
    const input = ctx.toTensor(c.from);
    const [det] = await detector.locateFaces(input, new faceapi.SsdMobilenetv1Options());
    tf.dispose(input);
    const b = det.box.clipAtImageBorders(c.from.width, c.from.height);
    let [x, y, w, h] = [b.x, b.y, b.width, b.height];
    if (c.box === 'wide') {
      const cx = x + w / 2;
      [w, h] = [Math.round(h * 1.3) + 1, h];
      x = Math.max(0, Math.round(cx - w / 2));
    } else if (c.box === '112') {
      [x, y] = [Math.max(0, Math.round(x + w / 2 - 56)), Math.max(0, Math.round(y + h / 2 - 56))];
      [w, h] = [112, 112];
    }
    const img = ctx.crop(c.from, x, y, w, h);
    ctx.writePng(ctx.path.join(ctx.OUT, c.name), img);
    const t = ctx.toTensor(img);
    const netInput = await faceapi.toNetInput(t);
    const raw = net.runNet(netInput);
    const out = Array.from(raw.dataSync());
    const points = await net.detectLandmarks(t);
    tf.dispose([t, raw]);
    result.crops.push({
      image: c.name, width: w, height: h,
      output: out.map((v) => round(v, 7)),
      positions: points.positions.map((p) => [round(p.x, 4), round(p.y, 4)]),
    });
    console.log(`landmarks alone ${c.name}: ${w} x ${h}`);
  }
  return result;
}

/** The full pipeline: detectAllFaces(img, new SsdMobilenetv1Options()).withFaceLandmarks() on each image. */
async function landmarksPipeline(ctx, inputs) {
  const { tf, faceapi, round } = ctx;
  const options = new faceapi.SsdMobilenetv1Options();
  const images = [];
  for (const img of inputs) {
    const t0 = Date.now();
    const input = ctx.toTensor(img);
    const results = await faceapi.detectAllFaces(input, options).withFaceLandmarks();
    tf.dispose(input);
    images.push({
      image: img.name, width: img.width, height: img.height,
      faces: results.map((r) => {
        const box = r.detection.box;
        const cut = box.clipAtImageBorders(img.width, img.height); // what extractFaceTensors cuts out
        return {
          box: [box.x, box.y, box.width, box.height].map((v) => round(v, 4)),
          score: round(r.detection.score, 6),
          crop: [cut.x, cut.y, cut.width, cut.height],
          landmarks: r.landmarks.positions.map((p) => [round(p.x, 4), round(p.y, 4)]),
        };
      }),
    });
    console.log(`landmarks pipeline ${img.name}: ${results.length} faces, ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  }
  return images;
}

async function landmarks(ctx, inputs) {
  ctx.loadNet(ctx.faceapi.nets.ssdMobilenetv1, 'ssd_mobilenetv1_model');
  ctx.loadNet(ctx.faceapi.nets.faceLandmark68Net, 'face_landmark_68_model');
  const alone = await landmarkNetAlone(ctx, inputs);
  const pipeline = await landmarksPipeline(ctx, inputs);
  ctx.writeJson('landmarks.json', {
    ...alone, faceApi: ctx.faceapi.version, tfjs: ctx.tf.version_core, backend: ctx.tf.getBackend(),
    options: { minConfidence: 0.5, maxResults: 100 }, images: pipeline,
  });
}

module.exports = { landmarks };
