'use strict';
// Shared plumbing of the peer runners: arguments, the input walk, timing,
// offsets and output.  Each runner supplies one function that turns a text
// into a result object; this file does the rest the same way for every peer,
// so their figures compare.
//
// Input is either a folder (walked recursively in sorted order, files whose
// name ends in the given extension, default ".txt") or, with --jsonl, a JSON
// Lines file of {"id", "text"} records (used by the accuracy scripts).
// Output is one JSON line per document (default /dev/null).  The timing line
// on standard error covers reading the files to having every result
// serialised; the model load is timed apart.

const fs = require('fs');
const path = require('path');

function usage(name, msg) {
  if (msg) process.stderr.write(`${name}: ${msg}\n`);
  process.stderr.write(
    `usage: node ${name}.js [FOLDER | --jsonl FILE] [-o OUT] [--ext .txt] [--limit N] [--offsets]\n` +
    `  FOLDER defaults to $TEXTPIPE_DATA/bbc-news, TEXTPIPE_DATA to ../shared/data\n` +
    `  relative to the repository root\n`);
  process.exit(2);
}

function parseArgs(name) {
  const a = { input: null, jsonl: null, out: '/dev/null', ext: '.txt', limit: 0, offsets: false };
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i++) {
    const x = argv[i];
    const need = () => { if (i + 1 >= argv.length) usage(name, `${x} needs a value`); return argv[++i]; };
    if (x === '-o' || x === '--output') a.out = need();
    else if (x === '--jsonl') a.jsonl = need();
    else if (x === '--ext') a.ext = need();
    else if (x === '--limit') a.limit = parseInt(need(), 10);
    else if (x === '--offsets') a.offsets = true;
    else if (x === '-h' || x === '--help') usage(name);
    else if (x.startsWith('-')) usage(name, `unknown option ${x}`);
    else if (a.input === null) a.input = x;
    else usage(name, 'only one folder');
  }
  if (a.input === null && a.jsonl === null) {
    const root = path.resolve(__dirname, '..', '..');
    const data = process.env.TEXTPIPE_DATA || path.resolve(root, '..', 'shared', 'data');
    a.input = path.join(data, 'bbc-news');
  }
  return a;
}

function walk(dir, ext, out) {
  let names;
  try { names = fs.readdirSync(dir, { withFileTypes: true }); }
  catch (e) { process.stderr.write(`cannot read folder ${dir}: ${e.code || e.message}\n`); process.exit(2); }
  names.sort((x, y) => (x.name < y.name ? -1 : x.name > y.name ? 1 : 0));
  for (const d of names) {
    const p = path.join(dir, d.name);
    if (d.isDirectory()) walk(p, ext, out);
    else if (d.isFile() && d.name.endsWith(ext)) out.push(p);
  }
  return out;
}

// Code-point offset of every UTF-16 index of s (length s.length + 1).
function cpIndex(s) {
  const m = new Int32Array(s.length + 1);
  let cp = 0;
  for (let i = 0; i < s.length; i++) {
    m[i] = cp;
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) { m[i + 1] = cp; i++; }
    cp++;
  }
  m[s.length] = cp;
  return m;
}

// Trim punctuation and spaces the peers leave on a span; [start, end) in UTF-16.
const EDGE = /[\s.,;:!?"'\u2018\u2019\u201c\u201d()\[\]\-\u2013\u2014]/;
function trimSpan(text, start, end) {
  start = Math.max(0, Math.min(start, text.length));
  end = Math.max(start, Math.min(end, text.length));
  while (start < end && EDGE.test(text[start])) start++;
  while (end > start && EDGE.test(text[end - 1])) end--;
  return [start, end];
}

function run(name, load, analyse) {
  const a = parseArgs(name);
  const t0 = process.hrtime.bigint();
  const ctx = load();
  const t1 = process.hrtime.bigint();
  const out = fs.openSync(a.out, 'w');
  let docs = 0, bytes = 0;
  const emit = (id, text) => {
    const r = analyse(ctx, text, a);
    r.id = id;
    fs.writeSync(out, JSON.stringify(r) + '\n');
    docs++;
  };
  if (a.jsonl) {
    const lines = fs.readFileSync(a.jsonl, 'utf8').split('\n');
    for (const line of lines) {
      if (!line.trim()) continue;
      bytes += Buffer.byteLength(line) + 1;
      const rec = JSON.parse(line);
      emit(rec.id, rec.text);
      if (a.limit && docs >= a.limit) break;
    }
  } else {
    const files = walk(a.input, a.ext, []);
    if (files.length === 0) usage(name, `no *${a.ext} files under ${a.input}`);
    for (const f of files) {
      const buf = fs.readFileSync(f);
      bytes += buf.length;
      emit(path.relative(a.input, f), buf.toString('utf8'));
      if (a.limit && docs >= a.limit) break;
    }
  }
  fs.closeSync(out);
  const t2 = process.hrtime.bigint();
  const load_s = Number(t1 - t0) / 1e9, run_s = Number(t2 - t1) / 1e9;
  const summary = {
    peer: name, docs, bytes, load_s: +load_s.toFixed(3), seconds: +run_s.toFixed(3),
    mb_per_s: +(bytes / 1e6 / run_s).toFixed(4), docs_per_s: +(docs / run_s).toFixed(2),
  };
  process.stderr.write(
    `${name}: ${docs} documents, ${(bytes / 1e6).toFixed(2)} MB, ${run_s.toFixed(2)} s, ` +
    `${summary.mb_per_s} MB/s, ${summary.docs_per_s} docs/s (model load ${load_s.toFixed(2)} s)\n` +
    `${name}-json: ${JSON.stringify(summary)}\n`);
}

module.exports = { run, cpIndex, trimSpan };
