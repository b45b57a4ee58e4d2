import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../core/index.ts';
import { ruleMayMatch, webhooksMayMatch } from './admission.ts';
import { localVerdict } from './local-verdict.ts';

const cm = (
  extra: Record<string, unknown> = {},
  meta: Record<string, unknown> = {},
): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'app', namespace: 'prod', labels: { 'moor.dev/sync-name': 'a' }, ...meta },
  data: { 'app.yaml': 'x: 1', KEY_1: 'v' },
  ...extra,
});

test('a plain new ConfigMap is judged here; anything this check does not know goes to the server', () => {
  const cases: [string, KubeObject, 'valid' | 'ask'][] = [
    ['plain', cm(), 'valid'],
    ['immutable', cm({ immutable: true }), 'valid'],
    ['no data', cm({ data: undefined }), 'valid'],
    ['annotated', cm({}, { annotations: { 'example.com/x': 'y' } }), 'valid'],
    ['a number as a value', cm({ data: { a: 1 } }), 'ask'],
    ['a key with a slash', cm({ data: { 'a/b': 'x' } }), 'ask'],
    ['key ..', cm({ data: { '..a': 'x' } }), 'ask'],
    ['key .', cm({ data: { '.': 'x' } }), 'ask'],
    ['key of 254', cm({ data: { ['k'.repeat(254)]: 'x' } }), 'ask'],
    ['over 1 MiB of data', cm({ data: { a: 'é'.repeat(600 * 1024) } }), 'ask'],
    ['binaryData', cm({ binaryData: { a: 'eA==' } }), 'ask'],
    ['an unknown field', cm({ spec: {} }), 'ask'],
    ['immutable not a boolean', cm({ immutable: 'yes' }), 'ask'],
    ['upper-case name', cm({}, { name: 'App' }), 'ask'],
    ['name of 254', cm({}, { name: 'a'.repeat(254) }), 'ask'],
    ['no namespace', cm({}, { namespace: undefined }), 'ask'],
    ['a bad label value', cm({}, { labels: { a: '-x' } }), 'ask'],
    ['a label value of 64', cm({}, { labels: { a: 'x'.repeat(64) } }), 'ask'],
    ['a label key with two slashes', cm({}, { labels: { 'a/b/c': 'x' } }), 'ask'],
    ['a number as a label', cm({}, { labels: { a: 1 } }), 'ask'],
    ['finalizers', cm({}, { finalizers: ['x'] }), 'ask'],
    ['generateName', cm({}, { generateName: 'a-' }), 'ask'],
    ['annotations over 256 KiB', cm({}, { annotations: { a: 'x'.repeat(256 * 1024) } }), 'ask'],
    ['another version', { ...cm(), apiVersion: 'v2' }, 'ask'],
    ['another kind', { ...cm(), kind: 'Secret' }, 'ask'],
    ['a prototype member as kind', { ...cm(), kind: 'constructor' }, 'ask'],
  ];
  for (const [name, obj, want] of cases) assert.equal(localVerdict(obj), want, name);
});

test('a webhook rule may match a new ConfigMap by group, resource and operation', () => {
  const rule = (apiGroups: string[], resources: string[], operations: string[]) => ({
    apiGroups,
    resources,
    operations,
  });
  const cases: [string, ReturnType<typeof rule>, boolean][] = [
    ['exact', rule([''], ['configmaps'], ['CREATE']), true],
    ['every group', rule(['*'], ['configmaps'], ['CREATE']), true],
    ['every resource', rule([''], ['*'], ['*']), true],
    ['subresources too', rule([''], ['*/*'], ['CREATE']), true],
    ['another group', rule(['apps'], ['*'], ['CREATE']), false],
    ['another resource', rule([''], ['secrets'], ['CREATE']), false],
    ['updates only', rule([''], ['configmaps'], ['UPDATE', 'DELETE']), false],
    ['a subresource only', rule([''], ['pods/exec'], ['CREATE']), false],
  ];
  for (const [name, r, want] of cases) assert.equal(ruleMayMatch(r, '', 'configmaps'), want, name);
  assert.equal(webhooksMayMatch([{ webhooks: [{}] }], '', 'configmaps'), true, 'no rules: a doubt');
  assert.equal(webhooksMayMatch([{}], '', 'configmaps'), false, 'no webhooks');
  assert.equal(
    webhooksMayMatch([{ webhooks: [{ rules: [rule(['apps'], ['*'], ['*'])] }] }], '', 'configmaps'),
    false,
  );
});
