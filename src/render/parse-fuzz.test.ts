// Property tests: whatever bytes a revision holds, parsing never throws, answers the same way
// every time, and a refusal names the file and line it is about; what is well formed parses back
// to exactly what was written.
import assert from 'node:assert/strict';
import { isUtf8 } from 'node:buffer';
import { test } from 'node:test';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { parseManifests } from './parse.ts';
import { decodeManifest } from './text.ts';
import type { ManifestFile } from './types.ts';

const scalar = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.constantFrom('yes', '~', '0x1F', '.inf', '*a', '&a x', '<<', '---', '- x', 'a: b', '#'),
);
const key = fc.oneof(
  fc.string({ maxLength: 8 }),
  fc.constantFrom('kind', 'items', '<<', 'apiVersion'),
);
const { tree } = fc.letrec<{ tree: unknown }>((tie) => ({
  tree: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    scalar,
    fc.array(tie('tree'), { maxLength: 4 }),
    fc.dictionary(key, tie('tree'), { maxKeys: 4, noNullPrototype: true }),
  ),
}));
const kubeObject = fc.record(
  {
    apiVersion: fc.constantFrom('v1', 'apps/v1'),
    kind: fc.constantFrom('ConfigMap', 'List', 'Secret'),
    metadata: fc.record({ name: fc.constantFrom('a', 'b') }, { noNullPrototype: true }),
    data: tree,
    items: fc.option(fc.array(tree, { maxLength: 3 }), { nil: undefined }),
  },
  { requiredKeys: ['apiVersion', 'kind', 'metadata'], noNullPrototype: true },
);
const document = fc.oneof({ weight: 4, arbitrary: kubeObject }, { weight: 1, arbitrary: tree });

/** Edits to serialized text: characters that matter to YAML, put anywhere, or cuts. */
const edit = fc.record({
  at: fc.nat(),
  cut: fc.nat({ max: 6 }),
  insert: fc.oneof(
    fc.constantFrom(
      ...':-[]{}&*!|>\'"#%@?,\t\n ',
      '\n---\n',
      '&x ',
      '*x',
      '!!binary ',
      '\0',
      '\ufeff',
    ),
    fc.string({ maxLength: 3 }),
  ),
});

function mutate(
  text: string,
  edits: readonly { at: number; cut: number; insert: string }[],
): string {
  let out = text;
  for (const { at, cut, insert } of edits) {
    const i = out.length === 0 ? 0 : at % (out.length + 1);
    out = out.slice(0, i) + insert + out.slice(i + cut);
  }
  return out;
}

const files = fc
  .array(
    fc.record({
      docs: fc.array(document, { minLength: 1, maxLength: 3 }),
      json: fc.boolean(),
      edits: fc.oneof(fc.constant([]), fc.array(edit, { minLength: 1, maxLength: 4 })),
    }),
    { minLength: 1, maxLength: 3 },
  )
  .map((specs) =>
    specs.map(({ docs, json, edits }, i): ManifestFile => {
      const text = json
        ? JSON.stringify(docs[0], null, 2)
        : docs.map((d) => stringify(d, { aliasDuplicateObjects: false })).join('---\n');
      return { path: `dir/f${i}.${json ? 'json' : 'yaml'}`, content: mutate(text, edits) };
    }),
  );

/** What a user sees of a parse: the objects, or the error's code and message. */
function outcome(input: readonly ManifestFile[]): string {
  const result = parseManifests(input);
  return result.ok ? JSON.stringify(result.value) : `${result.error.code} ${result.error.message}`;
}

test('parseManifests never throws on mutated YAML and JSON, is deterministic, and names file:line in refusals', () => {
  fc.assert(
    fc.property(files, (input) => {
      const first = outcome(input);
      assert.equal(outcome(input), first);
      assert.equal(outcome([...input].reverse()), first);
      const result = parseManifests(input);
      if (result.ok) return;
      const { code, message } = result.error;
      if (code === 'DuplicateObject') {
        assert.match(message, / is defined twice: at dir\/f\d\.\w+:\d+ and at dir\/f\d\.\w+:\d+$/);
      } else {
        assert.match(message, /^dir\/f\d\.(yaml|json):\d+:\d+: \S/);
      }
    }),
    { numRuns: 400 },
  );
});

const bytes = fc.oneof(
  fc.uint8Array({ maxLength: 64 }),
  fc
    .tuple(
      fc.string({ unit: 'binary', maxLength: 40 }),
      fc.array(fc.tuple(fc.nat(), fc.nat(255)), { maxLength: 3 }),
    )
    .map(([text, flips]) => {
      const out = Buffer.from(text);
      for (const [at, value] of flips) if (out.length > 0) out[at % out.length] = value;
      return new Uint8Array(out);
    }),
);

test('decodeManifest accepts exactly UTF-8 text without NUL bytes, and names where it stops', () => {
  fc.assert(
    fc.property(bytes, (input) => {
      const result = decodeManifest('f.yaml', input);
      const text = isUtf8(input) && !input.includes(0);
      assert.equal(result.ok, text);
      if (result.ok) {
        assert.equal(result.value, Buffer.from(input).toString('utf8'));
        return;
      }
      assert.match(
        result.error.message,
        /^f\.yaml:\d+:\d+: not a text file: (a NUL byte|byte 0x[0-9a-f]{2} is not UTF-8)$/,
      );
      const { line = 0, column = 0 } = result.error.data;
      // Everything before the named byte is text.
      const lines = Buffer.from(input).toString('latin1').split('\n');
      const before = lines.slice(0, line - 1).join('\n').length + (line > 1 ? 1 : 0) + column - 1;
      const head = input.subarray(0, before);
      assert.ok(isUtf8(head) && !head.includes(0), `${result.error.message}`);
      assert.deepEqual(decodeManifest('f.yaml', input), result);
    }),
    { numRuns: 2000 },
  );
});

/** Values a ConfigMap-like object may carry anywhere: JSON-safe trees (no NaN, no -0). */
const jsonTree = fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.parse(JSON.stringify(v)) as unknown);
const namedObjects = fc.uniqueArray(
  fc.record(
    {
      apiVersion: fc.constant('v1'),
      kind: fc.constantFrom('ConfigMap', 'Secret', 'Service'),
      metadata: fc.record(
        { name: fc.stringMatching(/^[a-z][a-z0-9-]{0,11}$/) },
        { noNullPrototype: true },
      ),
      data: fc.dictionary(fc.string({ maxLength: 8 }), jsonTree, {
        maxKeys: 4,
        noNullPrototype: true,
      }),
    },
    { noNullPrototype: true },
  ),
  { minLength: 1, maxLength: 5, selector: (o) => `${o.kind}/${o.metadata.name}` },
);

test('well-formed YAML and JSON parse back to exactly the objects written, in file order', () => {
  fc.assert(
    fc.property(namedObjects, fc.boolean(), (all, json) => {
      // A .json file holds one document; YAML may hold several.
      const objects = json ? all.slice(0, 1) : all;
      const content = json
        ? JSON.stringify(objects[0])
        : objects.map((o) => stringify(o, { aliasDuplicateObjects: false })).join('---\n');
      const result = parseManifests([{ path: `dir/all.${json ? 'json' : 'yaml'}`, content }]);
      assert.ok(result.ok, result.ok ? '' : result.error.message);
      assert.deepEqual(
        result.value.map((r) => r.object),
        objects,
      );
    }),
    { numRuns: 300 },
  );
});
