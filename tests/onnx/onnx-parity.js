// onnx-parity.js: runs an exported Passband model in ONNX Runtime on the
// tensors `passband-cli encode` wrote and compares with `passband-cli predict`.
//
//   node onnx-parity.js RUNTIME_DIR MODEL.onnx TENSOR_DIR PREDICTIONS.csv [TEMPERATURE]
//
// RUNTIME_DIR is the folder holding node_modules/onnxruntime-node.  The
// expected probabilities are predict's class columns renormalised without
// class_99, then softmax(log p / T) when a temperature is given.  Also checks
// that cutting the padding to the longest row and running in two batches of
// different sizes, with NaN in the padded steps, changes nothing.  Prints
// max |dp|; exits 1 above 1e-5.
'use strict';
const fs = require('fs');
const path = require('path');

const TOLERANCE = 1e-5;

function readNpy(file) {
  const buf = fs.readFileSync(file);
  if (buf.toString('latin1', 1, 6) !== 'NUMPY')
    throw new Error(`${file}: not a .npy file`);
  const headerLen = buf.readUInt16LE(8);
  const header = buf.toString('latin1', 10, 10 + headerLen);
  const descr = /'descr':\s*'([^']+)'/.exec(header)[1];
  const shape = /'shape':\s*\(([^)]*)\)/.exec(header)[1]
    .split(',').map((s) => s.trim()).filter((s) => s.length > 0).map(Number);
  const count = shape.reduce((a, b) => a * b, 1);
  const start = 10 + headerLen;
  const bytes = buf.buffer.slice(buf.byteOffset + start, buf.byteOffset + buf.length);
  if (descr === '<f4')
    return { shape, data: new Float32Array(bytes, 0, count) };
  if (descr === '<i8')
    return { shape, data: new BigInt64Array(bytes, 0, count) };
  throw new Error(`${file}: unexpected dtype ${descr}`);
}

function readPredictions(file) {
  const lines = fs.readFileSync(file, 'utf8').trim().split('\n');
  const header = lines[0].split(',');
  const classCols = header.map((h, i) => [h, i]).filter(([h]) => h.startsWith('class_') && h !== 'class_99');
  const rows = new Map();
  for (const line of lines.slice(1)) {
    const f = line.split(',');
    const p = classCols.map(([, i]) => Number(f[i]));
    const sum = p.reduce((a, b) => a + b, 0);
    rows.set(f[0], p.map((v) => v / sum));
  }
  return { classes: classCols.length, rows };
}

function calibrate(p, t) {
  const z = p.map((v) => Math.log(v) / t);
  const m = Math.max(...z);
  const e = z.map((v) => Math.exp(v - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
}

// Rows [first, first + n) of the inputs, the sequence cut to `steps` steps;
// with `garbage`, padded steps hold NaN instead of zeros.
function feeds(ort, names, inputs, first, n, steps, garbage) {
  const [, T, F] = inputs.sequence.shape;
  const seq = new Float32Array(n * steps * F);
  for (let r = 0; r < n; r++) {
    seq.set(inputs.sequence.data.subarray((first + r) * T * F, (first + r) * T * F + steps * F), r * steps * F);
    if (garbage)
      seq.fill(NaN, r * steps * F + Number(inputs.lengths.data[first + r]) * F, (r + 1) * steps * F);
  }
  const out = {
    sequence: new ort.Tensor('float32', seq, [n, steps, F]),
    lengths: new ort.Tensor('int64', inputs.lengths.data.slice(first, first + n), [n]),
  };
  if (names.includes('metadata')) {
    const S = inputs.metadata.shape[1];
    out.metadata = new ort.Tensor('float32', inputs.metadata.data.slice(first * S, (first + n) * S), [n, S]);
  }
  return out;
}

async function main() {
  const [runtimeDir, modelPath, tensorDir, predPath, tArg] = process.argv.slice(2);
  const ort = require(path.join(runtimeDir, 'node_modules', 'onnxruntime-node'));
  const temperature = tArg !== undefined ? Number(tArg) : 1;
  const inputs = {
    sequence: readNpy(path.join(tensorDir, 'sequence.npy')),
    lengths: readNpy(path.join(tensorDir, 'lengths.npy')),
  };
  const metaPath = path.join(tensorDir, 'metadata.npy');
  if (fs.existsSync(metaPath))
    inputs.metadata = readNpy(metaPath);
  const ids = fs.readFileSync(path.join(tensorDir, 'object_ids.txt'), 'utf8').split('\n').filter((s) => s.length > 0);
  const expected = readPredictions(predPath);
  const session = await ort.InferenceSession.create(modelPath);
  const N = inputs.sequence.shape[0], T = inputs.sequence.shape[1];
  const lengths = Array.from(inputs.lengths.data, Number);
  const distinct = new Set(lengths).size;

  if (ids.length !== N || expected.rows.size !== N)
    throw new Error(`${N} encoded rows, ${ids.length} ids, ${expected.rows.size} predictions`);
  if (distinct < 2 && T > 1)
    throw new Error('the encoded rows all have the same length: not a test of padding');

  const whole = (await session.run(feeds(ort, session.inputNames, inputs, 0, N, T))).probabilities;
  const K = whole.dims[1];
  if (K !== expected.classes)
    throw new Error(`ONNX gives ${K} classes, predict ${expected.classes}`);

  let maxDiff = 0;
  for (let i = 0; i < N; i++) {
    const want = calibrate(expected.rows.get(ids[i]), temperature);
    for (let c = 0; c < K; c++)
      maxDiff = Math.max(maxDiff, Math.abs(whole.data[i * K + c] - want[c]));
  }

  // the same rows in two batches, each padded only to its own longest row, with NaN
  const half = Math.max(1, Math.floor(N / 3));
  let maxSplit = 0;
  for (const [first, n] of [[0, half], [half, N - half]]) {
    if (n <= 0)
      continue;
    const steps = Math.max(...lengths.slice(first, first + n));
    const part = (await session.run(feeds(ort, session.inputNames, inputs, first, n, steps, true))).probabilities;
    for (let i = 0; i < n * K; i++)
      maxSplit = Math.max(maxSplit, Math.abs(part.data[i] - whole.data[first * K + i]));
  }

  console.log(`rows ${N}, steps ${T}, distinct lengths ${distinct}, classes ${K}, temperature ${temperature}: ` +
              `max |dp| ${maxDiff.toExponential(2)} against predict, ${maxSplit.toExponential(2)} ` +
              'between zero-padded and cut, NaN-padded batches');
  if (!(maxDiff <= TOLERANCE) || !(maxSplit <= TOLERANCE)) {
    console.error(`FAIL: above ${TOLERANCE}`);
    process.exit(1);
  }
}

main().catch((e) => {
  console.error(`FAIL: ${e.message}`);
  process.exit(1);
});
