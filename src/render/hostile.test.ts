// Hostile manifests: each is refused with a message naming file:line:col (or the file, where
// there is no position), before it costs more than the limits allow.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadManifestFiles } from './load.ts';
import { RenderLimits } from './limits.ts';
import { parseManifests, type ParseMemo } from './parse.ts';
import type { ManifestFile } from './types.ts';

// A fresh bound per call: one signal for the whole file would abort the later tests' loads
// (Aborted instead of TooLarge) once the file has run 60 s on a loaded machine.
const bounded = (): AbortSignal => AbortSignal.timeout(60_000);
const cm = (name: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ${name}}\n`;

const refusedDocuments: { name: string; file: ManifestFile; code: string; message: string }[] = [
  {
    name: 'a duplicate key in JSON',
    file: { path: 'dup.json', content: '{"apiVersion": "v1",\n  "kind": "A",\n  "kind": "B"}' },
    code: 'SyntaxError',
    message: 'dup.json:3:3: Map keys must be unique',
  },
  {
    name: 'JSON whose top level is an array',
    file: { path: 'arr.json', content: '[{"apiVersion": "v1"}]\n' },
    code: 'NotAnObject',
    message:
      'arr.json:1:1: not a Kubernetes object: missing apiVersion, kind, metadata.name (the document is a sequence, not a mapping)',
  },
  {
    name: 'JSON whose top level is a number',
    file: { path: 'n.json', content: '\n  42\n' },
    code: 'NotAnObject',
    message:
      'n.json:2:3: not a Kubernetes object: missing apiVersion, kind, metadata.name (the document is a number, not a mapping)',
  },
  {
    name: 'a List without items',
    file: { path: 'l.yaml', content: '# a list\napiVersion: v1\nkind: List\n' },
    code: 'NotAnObject',
    message: 'l.yaml:2:1: not a Kubernetes object: a List needs an items sequence, found none',
  },
  {
    name: 'a List whose items is a mapping',
    file: { path: 'l.yaml', content: 'apiVersion: v1\nkind: List\nitems: {a: 1}\n' },
    code: 'NotAnObject',
    message: 'l.yaml:1:1: not a Kubernetes object: a List needs an items sequence, found a mapping',
  },
  {
    name: 'a List holding a List',
    file: {
      path: 'l.yaml',
      content:
        'apiVersion: v1\nkind: List\nitems:\n  - apiVersion: v1\n    kind: List\n    items: []\n',
    },
    code: 'NotAnObject',
    message: 'l.yaml:4:5: not a Kubernetes object: a List item cannot be a list itself',
  },
  {
    name: 'a List item that is a scalar',
    file: { path: 'l.yaml', content: 'apiVersion: v1\nkind: List\nitems:\n- hello\n' },
    code: 'NotAnObject',
    message:
      'l.yaml:4:3: not a Kubernetes object: missing apiVersion, kind, metadata.name (the document is a string, not a mapping)',
  },
  {
    name: 'a document without kind after a good one',
    file: { path: 'k.yaml', content: `${cm('a')}---\napiVersion: v1\nmetadata: {name: b}\n` },
    code: 'NotAnObject',
    message: 'k.yaml:5:1: not a Kubernetes object: missing kind',
  },
  {
    name: 'an alias bomb (nested)',
    file: {
      path: 'bomb.yaml',
      content: `${cm('bomb')}a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n`,
    },
    code: 'SyntaxError',
    message: 'bomb.yaml:1:1: Excessive alias count indicates a resource exhaustion attack',
  },
  {
    name: 'a flat alias expansion under the alias count that grows past the render limit',
    file: {
      path: 'wide.yaml',
      content: `${cm('wide')}big: &big ${'x'.repeat(512 * 1024)}\ncopies: [${Array.from({ length: 90 }, () => '*big').join(', ')}]\n`,
    },
    code: 'TooLarge',
    message: `wide.yaml:1:1: objects written as JSON (aliases expanded) exceed the 32 MiB one Sync may render`,
  },
];

for (const c of refusedDocuments) {
  void test(`parseManifests refuses ${c.name}`, () => {
    const result = parseManifests([c.file]);
    assert.equal(result.ok, false);
    if (result.ok) return;
    assert.equal(result.error.message, c.message);
    assert.equal(result.error.code, c.code);
  });
}

test('parseManifests refuses more objects than a render may hold, naming the file', () => {
  const items = Array.from(
    { length: RenderLimits.objects + 1 },
    (_, i) => `{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c${i}"}}`,
  );
  const content = `{"apiVersion": "v1", "kind": "List", "items": [\n${items.join(',\n')}\n]}`;
  const result = parseManifests([{ path: 'many.json', content }]);
  assert.equal(result.ok, false);
  if (!result.ok) {
    assert.equal(result.error.code, 'TooLarge');
    assert.equal(
      result.error.message,
      'many.json: more than the 10000 objects one Sync may render (counting up to this file)',
    );
  }
  const fewer = parseManifests([
    { path: 'many.json', content: content.replace(/,\n[^\n]*\n]}$/, '\n]}') },
  ]);
  assert.ok(fewer.ok && fewer.value.length === RenderLimits.objects);
});

test('parseManifests counts memoized files against the render limit as if parsed again', () => {
  const wide = `${cm('w0')}big: &big ${'x'.repeat(256 * 1024)}\ncopies: [${Array.from({ length: 60 }, () => '*big').join(', ')}]\n`;
  const files = [
    { path: 'a.yaml', content: wide },
    { path: 'b.yaml', content: wide.replace('w0', 'w1') },
  ];
  const memo: ParseMemo = new Map();
  // One file alone (15 MiB as JSON) is fine, and goes into the memo; two are over 32 MiB... not
  // yet: three are.
  assert.ok(parseManifests(files, memo).ok);
  assert.equal(memo.size, 2);
  const three = [...files, { path: 'c.yaml', content: wide.replace('w0', 'w2') }];
  for (const m of [memo, undefined]) {
    const result = parseManifests(three, m);
    assert.equal(result.ok, false);
    if (!result.ok) assert.match(result.error.message, /^c\.yaml:1:1: objects written as JSON/);
  }
});

/** A scratch artifact holding `apps/`; removed after the test. */
async function scratch(t: { after: (fn: () => Promise<void>) => void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'moor-hostile-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  await mkdir(join(dir, 'apps'));
  await writeFile(join(dir, 'apps', 'a-good.yaml'), cm('good'));
  return dir;
}

async function loadError(dir: string): Promise<{ code: string; message: string }> {
  const result = await loadManifestFiles(dir, 'apps', bounded());
  assert.equal(result.ok, false);
  return result.ok ? { code: '', message: '' } : result.error;
}

const binaries: { name: string; bytes: Buffer; message: string }[] = [
  {
    name: 'a binary file (an ELF header: NUL bytes)',
    bytes: Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x01, 0x00, 0x00]),
    message: 'apps/image.yaml:1:8: not a text file: a NUL byte',
  },
  {
    name: 'a binary file (a PNG header)',
    bytes: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00]),
    message: 'apps/image.yaml:1:1: not a text file: byte 0x89 is not UTF-8',
  },
  {
    name: 'a UTF-16 file',
    bytes: Buffer.from('\ufeffapiVersion: v1\n', 'utf16le'),
    message: 'apps/image.yaml:1:1: not a text file: byte 0xff is not UTF-8',
  },
  {
    name: 'a UTF-16 file without a byte order mark',
    bytes: Buffer.from('apiVersion: v1\n', 'utf16le'),
    message: 'apps/image.yaml:1:2: not a text file: a NUL byte',
  },
  {
    name: 'a Latin-1 file',
    bytes: Buffer.from(`${cm('cafe')}data: {name: caf\xe9}\n`, 'latin1'),
    message: 'apps/image.yaml:4:17: not a text file: byte 0xe9 is not UTF-8',
  },
  {
    name: 'a truncated UTF-8 sequence',
    bytes: Buffer.concat([Buffer.from('a: \u00e9\nb: '), Buffer.from([0xe2, 0x82])]),
    message: 'apps/image.yaml:2:4: not a text file: byte 0xe2 is not UTF-8',
  },
];

for (const c of binaries) {
  void test(`loadManifestFiles refuses ${c.name} named .yaml, with its position`, async (t) => {
    const dir = await scratch(t);
    await writeFile(join(dir, 'apps', 'image.yaml'), c.bytes);
    const error = await loadError(dir);
    assert.equal(error.code, 'NotText');
    assert.equal(error.message, c.message);
  });
}

test('loadManifestFiles reads UTF-8 text with multi-byte characters and a byte order mark', async (t) => {
  const dir = await scratch(t);
  await writeFile(join(dir, 'apps', 'u.yaml'), `\ufeff${cm('u')}data: {a: "café ✓ 𝄞"}\n`);
  const result = await loadManifestFiles(dir, 'apps', bounded());
  assert.ok(result.ok);
  const parsed = parseManifests(result.value);
  assert.ok(parsed.ok, parsed.ok ? '' : parsed.error.message);
  assert.deepEqual(parsed.value[1]?.object.data, { a: 'café ✓ 𝄞' });
});

test('loadManifestFiles refuses a file over the size limit from its size alone', async (t) => {
  const dir = await scratch(t);
  // 10 GB, sparse: reading it would take minutes and all memory; refusing it takes a stat.
  const huge = join(dir, 'apps', 'huge.yaml');
  await writeFile(huge, '');
  await truncate(huge, 10_000_000_000);
  const started = performance.now();
  const error = await loadError(dir);
  assert.ok(performance.now() - started < 2000);
  assert.equal(error.code, 'TooLarge');
  assert.equal(
    error.message,
    'apps/huge.yaml: file is 10000000000 bytes, more than the 8 MiB a manifest may be',
  );
});

test('loadManifestFiles refuses a 10 MB file and reads one at the limit', async (t) => {
  const dir = await scratch(t);
  const big = join(dir, 'apps', 'big.yaml');
  await writeFile(big, `${cm('big')}data: {x: "${'x'.repeat(10_000_000)}"}\n`);
  assert.match((await loadError(dir)).message, /^apps\/big\.yaml: file is 100000\d\d bytes, more/);
  const head = `${cm('big')}data: {x: "`;
  const fill = RenderLimits.fileBytes - Buffer.byteLength(head) - 3;
  await writeFile(big, `${head}${'x'.repeat(fill)}"}\n`);
  const result = await loadManifestFiles(dir, 'apps', bounded());
  assert.ok(result.ok, result.ok ? '' : result.error.message);
  assert.ok(parseManifests(result.value).ok);
});

test('loadManifestFiles refuses manifests larger together than a render may read, before reading them', async (t) => {
  const dir = await scratch(t);
  for (const name of ['b', 'c', 'd']) {
    const file = join(dir, 'apps', `${name}.yaml`);
    await writeFile(file, '');
    await truncate(file, 6 * 1024 * 1024);
  }
  const error = await loadError(dir);
  assert.equal(error.code, 'TooLarge');
  assert.equal(
    error.message,
    'apps/d.yaml: the manifests read up to this file exceed the 16 MiB one Sync may render',
  );
});
