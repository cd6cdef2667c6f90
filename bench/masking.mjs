#!/usr/bin/env node
// Masking cost: a Masker with all four patterns and two fields over 1 MB of each adversarial input
// (the runs that made the old regular expressions backtrack) and 1 MB of realistic text, median of
// a few repetitions. For comparison, the old regular expressions ("before") on the realistic text
// and on 16 KB of `x`: quadratic, so only that much (80 KB took 7 s).
//
//   node bench/masking.mjs [--json <file>]
//
// Build first: pnpm --filter @mcp-host/core build. `run()` is exported for other scripts.
import { writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { Masker } from '../core/dist/auth/Masker.js';
import { MASK_PATTERNS } from '../core/dist/auth/maskPatterns.js';

const MB = 1 << 20;
const REPS = 5;
const PATTERNS = ['email', 'card', 'bearer', 'apiKey'];
const ADVERSARIAL = ['x', 'a@', 'a.', 'a@b.', '1 ', '1-', '1', 'sk-', 'password=', 'Bearer ', 'AKIA'];

/** Seeded, so every run masks the same text (mulberry32). */
function random(seed) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const fill = (unit, length = MB) => unit.repeat(Math.ceil(length / unit.length)).slice(0, length);

/** The adversarial units one after another, in runs of a few KB. */
function mixed() {
  let s = '';
  for (let k = 0; s.length < MB; k++) s += fill(ADVERSARIAL[k % ADVERSARIAL.length], 4096) + ' ';
  return s.slice(0, MB);
}

const WORDS = ('the a of to and in is it for on with as was at by this be from or are an that which have not but they all ' +
  'request response server client tool resource prompt session plugin error value field user order account payment ' +
  'result returned configured timeout retry host token header record log line status queue worker').split(' ');
const SECRETS = [
  () => 'contact jane.doe+billing@example.co.uk for details',
  () => 'card 4111 1111 1111 1111 on file',
  () => 'Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl',
  () => 'key sk-proj-a1B2c3D4e5F6g7H8i9J0k1L2',
  () => 'aws AKIAIOSFODNN7EXAMPLE',
  () => '{"user":"u1","password":"hunter2hunter2"}',
  () => 'order 1234567890123456 shipped 2024-05-01 12:30',
];

/** Prose with an email, card, token or key every few hundred bytes. */
function realistic() {
  const rand = random(1);
  const parts = [];
  let length = 0;
  while (length < MB) {
    const r = rand();
    const part = r < 0.02 ? SECRETS[Math.floor(rand() * SECRETS.length)]() : r < 0.04 ? String(Math.floor(rand() * 1e6)) : r < 0.1 ? `${WORDS[Math.floor(rand() * WORDS.length)]}.` : WORDS[Math.floor(rand() * WORDS.length)];
    parts.push(part);
    length += part.length + 1;
  }
  return parts.join(' ').slice(0, MB);
}

/** The regular expressions the scanners replaced, as they were. */
function luhn(digits) {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1 && (d *= 2) > 9) d -= 9;
    sum += d;
  }
  return sum % 10 === 0;
}
const BEFORE = [
  (t) => t.replace(/[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g, '[email]'),
  (t) =>
    t.replace(/\b\d(?:[ -]?\d){12,18}\b/g, (m) => {
      const digits = m.replace(/[ -]/g, '');
      return digits.length >= 13 && digits.length <= 19 && luhn(digits) ? '[card]' : m;
    }),
  (t) => t.replace(/\b(Bearer)\s+[A-Za-z0-9\-._~+/]+=*/gi, '$1 [token]'),
  (t) =>
    t
      .replace(/\b(?:sk|pk|rk)[-_](?:live[-_]|test[-_]|proj[-_])?[A-Za-z0-9_-]{16,}\b|\bAKIA[0-9A-Z]{16}\b|\bgh[pousr]_[A-Za-z0-9]{30,}\b|\bxox[abpr]-[A-Za-z0-9-]{10,}\b|\bAIza[0-9A-Za-z_-]{35}\b/g, '[api-key]')
      .replace(/\b((?:api[_-]?key|apikey|secret|client[_-]?secret|access[_-]?key|password|passwd)["']?\s*[:=]\s*)(["']?)[^\s"',;&]{6,}\2/gi, '$1$2[api-key]$2'),
];
const before = (t) => BEFORE.reduce((s, r) => r(s), t);

/** Median milliseconds of `reps` runs of `fn(input)`, after one run to warm up. */
function measure(fn, input, reps) {
  fn(input);
  const times = [];
  for (let k = 0; k < reps; k++) {
    const t0 = performance.now();
    fn(input);
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

const row = (input, text, ms) => ({ input, ms: Math.round(ms * 100) / 100, mbPerSec: Math.round((text.length / MB / (ms / 1000)) * 10) / 10 });

/**
 * Masks every input with the current patterns; `worstMs` is the slowest of those. `before` holds
 * the old regular expressions' figures on the realistic text and on 16 KB of `x`.
 */
export async function run({ reps = REPS } = {}) {
  const masker = new Masker(['password', 'ssn'], PATTERNS);
  const inputs = [...ADVERSARIAL.map((u) => [`1 MB of ${JSON.stringify(u)}`, fill(u)]), ['1 MB mixed', mixed()], ['1 MB realistic', realistic()]];
  const rows = inputs.map(([input, text]) => row(input, text, measure((s) => masker.text(s), text, reps)));
  const x16 = fill('x', 16 * 1024);
  const beforeRows = [
    row('1 MB realistic (before)', inputs.at(-1)[1], measure(before, inputs.at(-1)[1], reps)),
    row('16 KB of "x" (before)', x16, measure(before, x16, Math.min(reps, 3))),
    row('16 KB of "x"', x16, measure((s) => masker.text(s), x16, reps)),
  ];
  return { rows, worstMs: Math.max(...rows.map((r) => r.ms)), before: beforeRows };
}

function format(rows) {
  const width = Math.max(...rows.map((r) => r.input.length));
  const lines = [`${'input'.padEnd(width)}  ${'ms (median)'.padStart(11)}  ${'MB/s'.padStart(8)}`];
  for (const r of rows) lines.push(`${r.input.padEnd(width)}  ${r.ms.toFixed(2).padStart(11)}  ${r.mbPerSec.toFixed(1).padStart(8)}`);
  return lines.join('\n');
}

// (argv[1] is missing under `node -e`, where this can only have been imported.)
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { values } = parseArgs({ options: { json: { type: 'string' } } });
  const result = await run();
  console.log(format([...result.rows, ...result.before]));
  console.log(`worst: ${result.worstMs.toFixed(2)} ms (patterns: ${PATTERNS.join(', ')}; fields: password, ssn; median of ${REPS})`);
  if (values.json) writeFileSync(values.json, `${JSON.stringify(result, null, 2)}\n`);
}
