import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  formatRevision,
  parseLsRemote,
  parseRevision,
  resolveRef,
  type RefSpec,
  type ResolvedRef,
} from './refs.ts';
import type { RemoteRef } from './types.ts';

const sha = (c: string): string => c.repeat(40);

const refs: RemoteRef[] = [
  { name: 'HEAD', sha: sha('a') },
  { name: 'refs/heads/main', sha: sha('a') },
  { name: 'refs/heads/release/1.x', sha: sha('b') },
  { name: 'refs/tags/v1.0.0', sha: sha('1') },
  { name: 'refs/tags/v1.2.0', sha: sha('2') },
  { name: 'refs/tags/1.3.0', sha: sha('3') },
  { name: 'refs/tags/v1.4.0-rc.1', sha: sha('4') },
  { name: 'refs/tags/v2.0.0', sha: sha('5') },
  { name: 'refs/tags/not-a-version', sha: sha('6') },
  { name: 'refs/tags/v1.2', sha: sha('7') },
];

test('parseLsRemote maps annotated tags to the commit they peel to', () => {
  const output = [
    `${sha('a')}\tHEAD`,
    `${sha('a')}\trefs/heads/main`,
    `${sha('c')}\trefs/tags/v1.0.0`,
    `${sha('d')}\trefs/tags/v1.0.0^{}`,
    `${sha('e')}\trefs/tags/light`,
    '',
  ].join('\n');
  assert.deepEqual(parseLsRemote(output), [
    { name: 'HEAD', sha: sha('a') },
    { name: 'refs/heads/main', sha: sha('a') },
    { name: 'refs/tags/v1.0.0', sha: sha('d') },
    { name: 'refs/tags/light', sha: sha('e') },
  ]);
  assert.deepEqual(parseLsRemote(''), []);
});

const cases: { spec: RefSpec; want: ResolvedRef | string }[] = [
  { spec: { branch: 'main' }, want: { name: 'main', ref: 'refs/heads/main', sha: sha('a') } },
  {
    spec: { branch: 'release/1.x' },
    want: { name: 'release/1.x', ref: 'refs/heads/release/1.x', sha: sha('b') },
  },
  { spec: { branch: 'nope' }, want: 'RefNotFound' },
  { spec: { branch: 'v1.0.0' }, want: 'RefNotFound' },
  { spec: { tag: 'v1.2.0' }, want: { name: 'v1.2.0', ref: 'refs/tags/v1.2.0', sha: sha('2') } },
  { spec: { tag: 'main' }, want: 'RefNotFound' },
  // semver: highest match, leading v optional, prereleases excluded unless the range asks.
  { spec: { semver: '*' }, want: { name: 'v2.0.0', ref: 'refs/tags/v2.0.0', sha: sha('5') } },
  { spec: { semver: '^1.0.0' }, want: { name: '1.3.0', ref: 'refs/tags/1.3.0', sha: sha('3') } },
  { spec: { semver: '~1.2' }, want: { name: 'v1.2.0', ref: 'refs/tags/v1.2.0', sha: sha('2') } },
  { spec: { semver: '<1.2.0' }, want: { name: 'v1.0.0', ref: 'refs/tags/v1.0.0', sha: sha('1') } },
  { spec: { semver: '>=1.3.1 <2.0.0' }, want: 'RefNotFound' },
  {
    spec: { semver: '>=1.4.0-rc.0 <2.0.0' },
    want: { name: 'v1.4.0-rc.1', ref: 'refs/tags/v1.4.0-rc.1', sha: sha('4') },
  },
  { spec: { semver: '^3' }, want: 'RefNotFound' },
  { spec: { semver: 'not a range' }, want: 'InvalidRef' },
  { spec: { commit: sha('f') }, want: { name: '', ref: sha('f'), sha: sha('f') } },
  {
    spec: { commit: 'ABCDEF'.repeat(6) + 'abcd' },
    want: { name: '', ref: 'abcdef'.repeat(6) + 'abcd', sha: 'abcdef'.repeat(6) + 'abcd' },
  },
  { spec: { commit: 'abc123' }, want: 'InvalidRef' },
  { spec: {}, want: 'InvalidRef' },
  { spec: { branch: 'main', tag: 'v1.0.0' }, want: 'InvalidRef' },
];

for (const { spec, want } of cases) {
  test(`resolveRef ${JSON.stringify(spec)} → ${typeof want === 'string' ? want : want.name || want.sha}`, () => {
    const result = resolveRef(refs, spec, 'https://git.example/repo');
    if (typeof want === 'string') {
      assert.equal(result.ok, false);
      assert.equal(!result.ok && result.error.code, want);
      assert.match(!result.ok ? result.error.message : '', /https:\/\/git\.example\/repo/);
    } else {
      assert.deepEqual(result, { ok: true, value: want });
    }
  });
}

test('a RefNotFound message names the ref that was asked for', () => {
  const result = resolveRef(refs, { branch: 'feature/x' }, 'https://git.example/repo');
  assert.ok(!result.ok);
  assert.match(result.error.message, /branch feature\/x/);
  assert.equal(result.error.data.ref, 'branch feature/x');
});

test('a failure message reads as one phrase, with or without the URL', () => {
  const without = resolveRef(refs, { branch: 'feature/x' });
  assert.ok(!without.ok);
  assert.match(without.error.message, /^git resolve \(ref branch feature\/x\): ref not found/);
  const withUrl = resolveRef(refs, { branch: 'feature/x' }, 'https://git.example/repo');
  assert.ok(!withUrl.ok);
  assert.match(
    withUrl.error.message,
    /^git resolve https:\/\/git\.example\/repo \(ref branch feature\/x\): /,
  );
});

test("formatRevision and parseRevision use DESIGN.md's <ref>@sha1:<sha> form", () => {
  const table: [string, string, string][] = [
    ['main', sha('a'), `main@sha1:${sha('a')}`],
    ['v1.2.0', sha('b'), `v1.2.0@sha1:${sha('b')}`],
    ['release/1.x', sha('c'), `release/1.x@sha1:${sha('c')}`],
    ['', sha('d'), `sha1:${sha('d')}`],
  ];
  for (const [name, commit, revision] of table) {
    assert.equal(formatRevision(name, commit), revision);
    assert.deepEqual(parseRevision(revision), { name, sha: commit });
  }
  assert.equal(parseRevision('main@abc'), undefined);
  assert.equal(parseRevision('main@sha1:abc'), undefined);
});
