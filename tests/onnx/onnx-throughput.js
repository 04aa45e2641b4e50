// onnx-throughput.js: ONNX Runtime's inference throughput on the tensors
// `passband-cli encode` (or lc_tensors_write) wrote, for bench-onnx.
//
//   node onnx-throughput.js RUNTIME_DIR MODEL.onnx TENSOR_DIR THREADS REPEATS
//
// One warm-up pass, then REPEATS passes over every object in batches of BATCH
// rows (as a broker feeds alerts; one call on thousands of long sequences
// would hold gigabytes of recurrent outputs); prints one JSON line with the
// best pass: {"objects":N,"threads":T,"batch":B,"seconds":s,"objects_per_s":x}.
'use strict';
const fs = require('fs');
const path = require('path');

const BATCH = 256;

function readNpy(file) {
  const buf = fs.readFileSync(file);
  const headerLen = buf.readUInt16LE(8);
  const header = buf.toString('latin1', 10, 10 + headerLen);
  const descr = /'descr':\s*'([^']+)'/.exec(header)[1];
  const shape = /'shape':\s*\(([^)]*)\)/.exec(header)[1]
    .split(',').map((s) => s.trim()).filter((s) => s.length > 0).map(Number);
  const count = shape.reduce((a, b) => a * b, 1);
  const bytes = buf.buffer.slice(buf.byteOffset + 10 + headerLen, buf.byteOffset + buf.length);
  return { shape, data: descr === '<i8' ? new BigInt64Array(bytes, 0, count) : new Float32Array(bytes, 0, count) };
}

async function main() {
  const [runtimeDir, modelPath, dir, threadsArg, repeatsArg] = process.argv.slice(2);
  const ort = require(path.join(runtimeDir, 'node_modules', 'onnxruntime-node'));
  const threads = Number(threadsArg), repeats = Number(repeatsArg);
  const session = await ort.InferenceSession.create(modelPath, {
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
  });
  const seq = readNpy(path.join(dir, 'sequence.npy'));
  const len = readNpy(path.join(dir, 'lengths.npy'));
  const meta = session.inputNames.includes('metadata') ? readNpy(path.join(dir, 'metadata.npy')) : null;
  const [n, T, F] = seq.shape;
  const batches = [];
  for (let first = 0; first < n; first += BATCH) {
    const rows = Math.min(BATCH, n - first);
    const feeds = {
      sequence: new ort.Tensor('float32', seq.data.subarray(first * T * F, (first + rows) * T * F), [rows, T, F]),
      lengths: new ort.Tensor('int64', len.data.subarray(first, first + rows), [rows]),
    };
    if (meta !== null) {
      const S = meta.shape[1];
      feeds.metadata = new ort.Tensor('float32', meta.data.subarray(first * S, (first + rows) * S), [rows, S]);
    }
    batches.push(feeds);
  }
  let best = Infinity;
  for (let r = 0; r <= repeats; r++) {
    const start = process.hrtime.bigint();
    for (const feeds of batches)
      await session.run(feeds);
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    if (r > 0)  // the first pass warms up
      best = Math.min(best, seconds);
  }
  console.log(JSON.stringify({ objects: n, threads, batch: BATCH, seconds: best, objects_per_s: n / best }));
}

main().catch((e) => {
  console.error(e.message);
  process.exit(1);
});
