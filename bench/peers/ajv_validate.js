#!/usr/bin/env node
// ajv 8 (+ ajv-formats) validating NDJSON, the way a Node service would:
// the schema is compiled once into JavaScript code (ajv's only and fastest
// mode), every line is JSON.parse()d and checked. Reads the file in 1 MiB
// chunks so memory stays bounded like the other streaming tools.
//
//   node ajv_validate.js [--all-errors] [--draft7] SCHEMA FILE
//
// Prints "records N invalid M"; exits 1 when a record is invalid, like
// `normalize validate`. Modules come from bench/node_modules (bench/run
// installs them there).
'use strict';
const fs = require('fs');
const path = require('path');

const args = process.argv.slice(2);
const allErrors = args.includes('--all-errors');
const draft7 = args.includes('--draft7');
const [schemaPath, file] = args.filter((a) => !a.startsWith('--'));
if (!schemaPath || !file) {
  process.stderr.write('usage: ajv_validate.js [--all-errors] [--draft7] SCHEMA FILE\n');
  process.exit(64);
}
const modules = path.join(__dirname, '..', 'node_modules');
const Ajv = require(path.join(modules, draft7 ? 'ajv' : 'ajv/dist/2020'));
const addFormats = require(path.join(modules, 'ajv-formats'));

const ajv = new Ajv({ allErrors, strict: false });
addFormats(ajv);
const validate = ajv.compile(JSON.parse(fs.readFileSync(schemaPath, 'utf8')));

let records = 0;
let invalid = 0;
let errors = 0;
function check(line) {
  if (line.length === 0) return;
  records++;
  if (!validate(JSON.parse(line))) {
    invalid++;
    errors += validate.errors.length;
  }
}

const fd = fs.openSync(file, 'r');
const buf = Buffer.allocUnsafe(1 << 20);
let rest = '';
for (;;) {
  const n = fs.readSync(fd, buf, 0, buf.length, null);
  if (n === 0) break;
  // A chunk may end inside a multi-byte character; keep the bytes after
  // the last newline for the next round.
  const chunk = buf.subarray(0, n);
  const last = chunk.lastIndexOf(10);
  if (last < 0) {
    rest += chunk.toString('utf8');
    continue;
  }
  const text = rest + chunk.subarray(0, last).toString('utf8');
  rest = chunk.subarray(last + 1).toString('utf8');
  let start = 0;
  for (;;) {
    const nl = text.indexOf('\n', start);
    if (nl < 0) {
      check(text.slice(start));
      break;
    }
    check(text.slice(start, nl));
    start = nl + 1;
  }
}
check(rest);
process.stdout.write(`records ${records} invalid ${invalid} errors ${errors}\n`);
process.exit(invalid ? 1 : 0);
