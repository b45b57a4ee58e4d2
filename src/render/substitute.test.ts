import assert from 'node:assert/strict';
import { test } from 'node:test';

import type { KubeObject } from '../core/index.ts';
import { RenderErrorCode } from './errors.ts';
import { RenderLimits } from './limits.ts';
import { mergeVariables, substituteObjects, substituteText } from './substitute.ts';
import type { RenderedObject } from './types.ts';

const variables = { CLUSTER: 'eu-1', EMPTY: '', _x1: 'u', REPLICAS: '3' };

const cases: [string, string, string | { undefined: string }][] = [
  ['plain text', 'no references', 'no references'],
  ['one variable', 'cluster-${CLUSTER}', 'cluster-eu-1'],
  ['two variables', '${CLUSTER}/${REPLICAS}', 'eu-1/3'],
  ['underscore and digits', '${_x1}', 'u'],
  ['default, variable defined', '${CLUSTER:=dev}', 'eu-1'],
  ['default, variable undefined', '${REGION:=north}', 'north'],
  ['default, variable empty', '${EMPTY:=fallback}', 'fallback'],
  ['empty default', '${REGION:=}', ''],
  ['empty variable without default', 'a${EMPTY}b', 'ab'],
  ['escape', '$${CLUSTER}', '${CLUSTER}'],
  ['escape next to a reference', '$${CLUSTER}=${CLUSTER}', '${CLUSTER}=eu-1'],
  ['name starting with a digit', '${1X}', '${1X}'],
  ['name with a dash', '${A-B}', '${A-B}'],
  ['no braces', '$CLUSTER', '$CLUSTER'],
  ['unclosed', '${CLUSTER', '${CLUSTER'],
  ['values are not substituted again', '${LOOP}', '${CLUSTER}'],
  ['undefined (strict)', 'x-${REGION}', { undefined: 'REGION' }],
  ['first undefined is named', '${A} ${B}', { undefined: 'A' }],
  ['inherited names are not variables', '${constructor}', { undefined: 'constructor' }],
];

test('substituteText: a table of references, defaults and escapes', () => {
  const vars = { ...variables, LOOP: '${CLUSTER}' };
  for (const [name, input, want] of cases) {
    const got = substituteText(input, { variables: vars, strict: true });
    if (typeof want === 'string') assert.deepEqual(got, { ok: true, value: want }, name);
    else assert.deepEqual(got, { ok: false, error: { variable: want.undefined } }, name);
  }
});

test('substituteText: an undefined variable is empty unless strict', () => {
  assert.deepEqual(substituteText('x-${REGION}-y', { variables, strict: false }), {
    ok: true,
    value: 'x--y',
  });
});

test('mergeVariables: a later set overrides an earlier one', () => {
  const merged = mergeVariables([{ A: '1', B: '1' }, { B: '2' }, { C: '3', A: '3' }]);
  assert.deepEqual({ ...merged }, { A: '3', B: '2', C: '3' });
});

const object = (data: Record<string, unknown>, name = 'cfg-${CLUSTER}'): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace: 'default' },
  data,
});
const at = (o: KubeObject, line = 1): RenderedObject => ({
  object: o,
  source: { path: 'apps/cm.yaml', line },
});

test('substituteObjects substitutes string values, never keys, and copies only what changed', () => {
  const untouched = at(object({ plain: 'x' }, 'plain'));
  const input = [
    at(object({ '${CLUSTER}': '${CLUSTER}', list: ['${REPLICAS}', 7, true, null] })),
    untouched,
  ];
  const before = structuredClone(input);
  const res = substituteObjects(input, { variables, strict: true });
  assert.ok(res.ok);
  assert.deepEqual(res.value[0]?.object, {
    ...object({ '${CLUSTER}': 'eu-1', list: ['3', 7, true, null] }),
    metadata: { name: 'cfg-eu-1', namespace: 'default' },
  });
  assert.equal(res.value[1], untouched, 'an object without references is not copied');
  assert.deepEqual(input, before, 'the input is not changed');
});

test('substituteObjects in strict mode names the file, the line and the variable', () => {
  const content = [
    'apiVersion: v1', // 1
    'kind: ConfigMap', // 2
    'metadata: {name: a, namespace: default}', // 3
    '---', // 4
    'apiVersion: v1', // 5
    'kind: ConfigMap', // 6
    'metadata: {name: b, namespace: default}', // 7
    'data:', // 8
    '  region: "${REGION}"', // 9
  ].join('\n');
  const files = [{ path: 'apps/cm.yaml', content }];
  const res = substituteObjects(
    [at(object({}, 'a')), at(object({ region: '${REGION}' }, 'b'), 5)],
    { variables, strict: true },
    files,
  );
  assert.ok(!res.ok);
  assert.equal(res.error.code, RenderErrorCode.undefinedVariable);
  assert.deepEqual(res.error.data, { file: 'apps/cm.yaml', line: 9, variable: 'REGION' });
  assert.match(res.error.message, /^apps\/cm\.yaml:9: variable REGION is not defined/);
});

test('substituteObjects bounds what a huge value adds by the render size limit', () => {
  const huge = 'x'.repeat(1024 * 1024);
  const many = Array.from({ length: 40 }, (_, i) => `\${BIG}${i}`);
  const res = substituteObjects([at(object({ many }))], {
    variables: { BIG: huge },
    strict: false,
  });
  assert.ok(!res.ok);
  assert.equal(res.error.code, RenderErrorCode.tooLarge);
  assert.ok(40 * huge.length > RenderLimits.renderedChars);
});
