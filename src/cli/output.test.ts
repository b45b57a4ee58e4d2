import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parse } from 'yaml';
import { forDisplay, formatAge, formatData, listOf, renderTable, truncate } from './output.ts';

void test('renderTable aligns every column to its widest cell, three spaces apart', () => {
  const out = renderTable(
    ['NAME', 'READY', 'MESSAGE'],
    [
      ['web', 'True', 'Applied revision main@sha1:abc'],
      ['a-much-longer-name', 'False', ''],
      ['ünïcode', '-', 'x'],
    ],
  );
  assert.equal(
    out,
    [
      'NAME                 READY   MESSAGE',
      'web                  True    Applied revision main@sha1:abc',
      'a-much-longer-name   False',
      'ünïcode              -       x',
      '',
    ].join('\n'),
  );
});

void test('renderTable with no rows prints the header', () => {
  assert.equal(renderTable(['A', 'B'], []), 'A   B\n');
});

void test('truncate keeps one line and marks the cut', () => {
  const cases: ReadonlyArray<[string, number, string]> = [
    ['short', 10, 'short'],
    ['exactly ten', 11, 'exactly ten'],
    ['this is too long', 8, 'this is…'],
    ['multi\nline\n  message', 40, 'multi line message'],
    ['', 5, ''],
  ];
  for (const [text, max, want] of cases) assert.equal(truncate(text, max), want, text);
});

void test('formatAge prints ages the way kubectl does', () => {
  const now = new Date('2024-05-01T12:00:00Z');
  const ago = (s: number) => new Date(now.getTime() - s * 1000).toISOString();
  const cases: ReadonlyArray<[string | undefined, string]> = [
    [undefined, '-'],
    ['not a time', '-'],
    [ago(0), '0s'],
    [ago(-30), '0s'],
    [ago(45), '45s'],
    [ago(119), '119s'],
    [ago(200), '3m20s'],
    [ago(300), '5m'],
    [ago(25 * 60), '25m'],
    [ago(5 * 3600 + 600), '5h10m'],
    [ago(30 * 3600), '30h'],
    [ago(3 * 86400 + 4 * 3600), '3d4h'],
    [ago(40 * 86400), '40d'],
  ];
  for (const [since, want] of cases) assert.equal(formatAge(since, now), want, String(since));
});

void test('JSON and YAML output round-trip the same data; listings look like kubectl lists', () => {
  const obj = {
    apiVersion: 'moor.dev/v1alpha1',
    kind: 'Sync',
    metadata: { name: 'web', namespace: 'default', managedFields: [{ manager: 'moor' }] },
    spec: { path: './' },
  };
  const list = listOf([obj]);
  const json = formatData(list, 'json');
  assert.ok(json.endsWith('}\n'));
  assert.deepEqual(JSON.parse(json), parse(formatData(list, 'yaml')));
  assert.deepEqual(JSON.parse(json), {
    apiVersion: 'v1',
    kind: 'List',
    metadata: {},
    items: [{ ...obj, metadata: { name: 'web', namespace: 'default' } }],
  });
  assert.equal('managedFields' in forDisplay(obj).metadata, false);
  assert.equal(obj.metadata.managedFields.length, 1, 'input left alone');
});
