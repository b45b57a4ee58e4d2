import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mergeLayers, mergeValues, parseValues, setAtPath } from './helm-values.ts';

test('mergeLayers merges in order: later layers win, mappings merge key by key', () => {
  const merged = mergeLayers([
    { name: 'env/base.yaml', text: 'image: {repo: web, tag: "1"}\nreplicas: 1\nlist: [a, b]\n' },
    { name: 'env/prod.yaml', text: 'image: {tag: "2"}\nlist: [c]\n' },
    { name: 'ConfigMap ns/v key values.yaml', text: 'replicas: 3\n' },
    { name: 'ConfigMap ns/v key host', text: 'web.example', targetPath: 'ingress.host' },
    { name: 'spec.helm.values', values: { replicas: 5, image: { pull: 'Always' } } },
  ]);
  assert.deepEqual(merged, {
    ok: true,
    value: {
      image: { repo: 'web', tag: '2', pull: 'Always' },
      replicas: 5,
      list: ['c'],
      ingress: { host: 'web.example' },
    },
  });
});

test('parseValues names file:line:col of a YAML error, and refuses what is not a mapping', () => {
  const cases: [string, RegExp][] = [
    ['a: 1\nb: [1\n', /^env\/prod\.yaml:3:1: /],
    ['a: 1\na: 2\n', /^env\/prod\.yaml:2:1: Map keys must be unique/],
    ['- 1\n- 2\n', /^env\/prod\.yaml:1:1: values must be a YAML mapping/],
  ];
  for (const [text, want] of cases) {
    const parsed = parseValues('env/prod.yaml', text);
    assert.equal(parsed.ok, false, text);
    if (!parsed.ok) assert.match(parsed.error.message, want);
  }
  assert.deepEqual(parseValues('empty.yaml', '# nothing\n'), { ok: true, value: {} });
});

test('setAtPath makes mappings on the way and keeps escaped dots in keys', () => {
  const base = { a: { keep: 1 }, b: 'scalar' };
  assert.deepEqual(setAtPath(base, 'a.x.y', 'v'), { a: { keep: 1, x: { y: 'v' } }, b: 'scalar' });
  assert.deepEqual(setAtPath(base, 'b.c', 'v'), { a: { keep: 1 }, b: { c: 'v' } });
  assert.deepEqual(setAtPath({}, 'annotations.example\\.com/x', 'v'), {
    annotations: { 'example.com/x': 'v' },
  });
  assert.deepEqual(base, { a: { keep: 1 }, b: 'scalar' }, 'the input is left as it was');
  assert.deepEqual(mergeValues({ a: { b: 1 } }, { a: 'x' }), { a: 'x' });
});
