#!/usr/bin/env node
// Writes webhookverify/testdata/webhook_vectors.json: X-Signature / X-Signature-V2
// test vectors computed the way Didit's Node.js receivers compute them, so the
// Go tests can check webhookverify without Node.
//
//   node scripts/webhook-vectors.js
//
// No npm dependencies. Each vector is {name, secret, raw, canonical,
// signature_v2, signature_v1}; vectors about invalid UTF-8 carry the body as
// raw_base64 instead of raw (a JSON string cannot hold those bytes).
'use strict';

const crypto = require('crypto');
const fs = require('fs');
const path = require('path');

const SECRET = 'whsec_handoff_vectors_2f6c1b9e7d';

// Didit's snippet. For a finite JS number, value % 1 === 0 implies
// Number.isInteger(value), so the Math.trunc branch never runs: 97.0 is
// already the number 97 and JSON.stringify prints it as "97".
function shortenFloats(value) {
  if (Array.isArray(value)) return value.map(shortenFloats);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, shortenFloats(v)]));
  }
  if (typeof value === 'number' && !Number.isInteger(value) && value % 1 === 0) {
    return Math.trunc(value);
  }
  return value;
}

// Didit's snippet: the assignment (not defineProperty) is why a "__proto__"
// key disappears, and JS objects list array-index keys first whatever order
// they were inserted in.
function sortKeys(value) {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    return Object.keys(value).sort().reduce((sorted, key) => {
      sorted[key] = sortKeys(value[key]);
      return sorted;
    }, {});
  }
  return value;
}

const hmac = (data) => crypto.createHmac('sha256', SECRET).update(data).digest('hex');

// String.raw keeps JSON escapes (\n, \u0001 ...) as escape text in the body.
const R = String.raw;
const payloads = [
  { name: 'nested unsorted keys', raw: '{"zeta":{"b":2,"a":1,"c":{"y":true,"x":false}},"alpha":null,"Mid":"x"}' },
  { name: 'array of objects keeps order', raw: '{"items":[{"z":1,"a":2},{"b":[3,2,1],"a":{"d":4,"c":3}}],"a":[]}' },
  { name: 'accents raw', raw: '{"name":"José Müller","city":"Logroño","note":"über façade"}' },
  { name: 'accents escaped', raw: R`{"name":"Jos\u00e9 M\u00FCller","city":"Logro\u00f1o"}` },
  { name: 'emoji raw', raw: '{"mood":"😀 ok","😀":"key"}' },
  { name: 'emoji escaped pair', raw: R`{"mood":"\ud83d\ude00 ok"}` },
  { name: 'U+2028 and U+2029 raw', raw: '{"text":"line\u2028sep\u2029end"}' },
  { name: 'U+2028 escaped', raw: R`{"text":"a\u2028b\u2029c"}` },
  { name: 'html characters', raw: R`{"html":"<script>alert('x') && 1 > 0</script>","amp":"a&b"}` },
  { name: 'control characters', raw: R`{"s":"tab\there\nnew\rret\bbs\ffeed\u0001one\u001Fus\u007fdel\"q\\b\/slash"}` },
  { name: 'lone surrogates', raw: R`{"hi":"\ud800","lo":"x\uDC00y","pair":"\uD83D\uDE00","rev":"\ude00\ud83d"}` },
  { name: 'whole floats', raw: '{"a":1.0,"b":100.00,"c":-0.0,"d":-0,"e":0,"f":1E2,"g":1e+2,"h":2.50,"i":100e-2,"j":97.0}' },
  { name: 'fractional floats', raw: '{"a":0.1,"b":97.42,"c":1.5e-7,"d":123456.789,"e":0.30000000000000004,"f":4.35,"g":-1.005}' },
  { name: 'small numbers', raw: '[0.000001,1e-7,0.0000001234,1.23e-7,123e-20,5e-324,1e-400,-1e-400]' },
  { name: 'large integers', raw: '{"a":9007199254740993,"b":12345678901234567890,"c":-9007199254740993,"d":9007199254740991}' },
  { name: 'large numbers', raw: '[1e20,123456789012345680000,999999999999999999999,1e21,1e300,1.7976931348623157e308,-1e21]' },
  { name: 'out of range numbers', raw: '{"inf":1e400,"ninf":-1e400}' },
  { name: 'empty containers', raw: '{"o":{},"a":[],"n":{"e":{}},"aa":[[],{}]}' },
  { name: 'utf16 key order', raw: '{"z":1,"\uE000":2,"😀":3,"a":4,"é":5,"Z":6,"":7,"\uFFFF":8,"𝄞":9}' },
  { name: 'array index keys', raw: '{"b":1,"10":2,"2":3,"a":4,"01":5,"-1":6,"4294967294":7,"4294967295":8,"1.5":9,"0":10}' },
  { name: 'duplicate keys last wins', raw: '{"a":1,"b":2,"a":3,"n":{"x":{"p":1},"x":[1,2]}}' },
  { name: '__proto__ keys dropped', raw: '{"__proto__":{"x":1},"a":{"__proto__":7,"b":2},"_":0}' },
  { name: 'whitespace and newlines', raw: '{\r\n\t"b" : [ 1 , 2 ] ,\n  "a" :\t"x"\n}\n' },
  { name: 'top-level string', raw: '"just a string"' },
  { name: 'top-level number', raw: ' 42.50 ' },
  { name: 'top-level null', raw: 'null' },
  { name: 'top-level array', raw: '[true,false,null,"s",1.0]' },
  // Shaped like a Python json.dumps() delivery: ", " and ": " separators and
  // non-ASCII escaped, so X-Signature and X-Signature-V2 inputs differ a lot.
  {
    name: 'status.updated delivery',
    raw: R`{"session_id": "11111111-2222-4333-8444-555555555555", "status": "In Review", "webhook_type": "status.updated", ` +
      R`"vendor_data": "user-42 <ana.garcía@example.com>", "workflow_id": "wf_partner_kyc", "timestamp": 1764331200, ` +
      R`"event_id": "a3f1c2d4-5e6f-4a7b-8c9d-0e1f2a3b4c5d", "shared_from_session": null, "created_at": 1764331187.0, ` +
      R`"decision": {"status": "In Review", "id_verification": {"status": "Approved", "document_type": "Passport", ` +
      R`"first_name": "Ana", "last_name": "García Ñúñez", "date_of_birth": "1990-05-17"}, ` +
      R`"face_match": {"status": "Approved", "score": 97.0}, "liveness": {"status": "Approved", "score": 88.50, "age_estimation": 31.4}, ` +
      R`"aml": {"status": "In Review", "total_hits": 2, "score": 0.0, "hits": [{"name": "Ana Garcia", "match_score": 71.25, "datasets": ["PEP"]}]}, ` +
      R`"warnings": [{"risk": "POSSIBLE_MATCH_FOUND", "feature": "AML"}]}, "metadata": {"tags": ["kyc", "reuse"], "source": "handoff"}}`,
  },
  // Bytes that are not UTF-8 reach JSON.parse through Buffer.toString('utf8'),
  // which turns each maximal invalid subpart into one U+FFFD.
  { name: 'invalid utf8 truncated sequence', raw_base64: Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xe2, 0x82, 0x41, 0x22, 0x7d]).toString('base64') },
  { name: 'invalid utf8 stray and overlong', raw_base64: Buffer.from([0x7b, 0x22, 0x80, 0x22, 0x3a, 0x22, 0xc0, 0x80, 0xff, 0x22, 0x7d]).toString('base64') },
  { name: 'invalid utf8 surrogate and too high', raw_base64: Buffer.from([0x5b, 0x22, 0xed, 0xa0, 0x80, 0x22, 0x2c, 0x22, 0xf4, 0x90, 0x80, 0x80, 0xf0, 0x9f, 0x98, 0x22, 0x5d]).toString('base64') },
];

const vectors = payloads.map((p) => {
  const bytes = p.raw !== undefined ? Buffer.from(p.raw, 'utf8') : Buffer.from(p.raw_base64, 'base64');
  const canonical = JSON.stringify(sortKeys(shortenFloats(JSON.parse(bytes.toString('utf8')))));
  const v = { name: p.name, secret: SECRET };
  if (p.raw !== undefined) v.raw = p.raw;
  else v.raw_base64 = p.raw_base64;
  return Object.assign(v, { canonical, signature_v2: hmac(Buffer.from(canonical, 'utf8')), signature_v1: hmac(bytes) });
});

const out = path.join(__dirname, '..', 'webhookverify', 'testdata', 'webhook_vectors.json');
fs.mkdirSync(path.dirname(out), { recursive: true });
fs.writeFileSync(out, JSON.stringify(vectors, null, 2) + '\n');
console.log(`wrote ${vectors.length} vectors to ${path.relative(process.cwd(), out)}`);
