// onnx-throughput.js: ONNX Runtime's inference throughput on the tensors
// `passband-cli encode` (or lc_tensors_write) wrote, for bench-onnx.
//
//   node onnx-throughput.js RUNTIME_DIR MODEL.onnx TENSOR_DIR THREADS REPEATS
//
// One warm-up run, then REPEATS runs of every object in one call; prints one
// JSON line with the best run: {"objects":N,"threads":T,"seconds":s,"objects_per_s":x}.
'use strict';
const fs = require('fs');
const path = require('path');

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
  const feeds = {
    sequence: new ort.Tensor('float32', seq.data, seq.shape),
    lengths: new ort.Tensor('int64', len.data, len.shape),
  };
  if (session.inputNames.includes('metadata')) {
    const meta = readNpy(path.join(dir, 'metadata.npy'));
    feeds.metadata = new ort.Tensor('float32', meta.data, meta.shape);
  }
  await session.run(feeds);
  let best = Infinity;
  for (let r = 0; r < repeats; r++) {
    const start = process.hrtime.bigint();
    await session.run(feeds);
    best = Math.min(best, Number(process.hrtime.bigint() - start) / 1e9);
  }
  const n = seq.shape[0];
  console.log(JSON.stringify({ objects: n, threads, seconds: best, objects_per_s: n / best }));
}

main().catch((e) => {
  console.error(e.message);
  process.exit(1);
});
