import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildPreviewRequests } from '../../notify/index.ts';
import { parsePullRequest } from './index.ts';

const SHA = 'a'.repeat(40);
const github = (action: string, extra: Record<string, unknown> = {}) =>
  Buffer.from(
    JSON.stringify({
      action,
      number: 7,
      pull_request: { head: { sha: SHA, ref: 'feature' } },
      ...extra,
    }),
  );

void test('parsePullRequest: opened or updated pull requests only, with a head commit', () => {
  const cases: [string, string, Buffer, unknown][] = [
    ['github opened', 'pull_request', github('opened'), { number: 7, sha: SHA, ref: 'feature' }],
    [
      'github synchronize',
      'pull_request',
      github('synchronize'),
      { number: 7, sha: SHA, ref: 'feature' },
    ],
    ['github closed', 'pull_request', github('closed'), undefined],
    ['a push', 'push', github('opened'), undefined],
    ['not JSON', 'pull_request', Buffer.from('{'), undefined],
    ['no number', 'pull_request', github('opened', { number: 'x' }), undefined],
    [
      'short sha',
      'pull_request',
      Buffer.from(
        JSON.stringify({
          action: 'opened',
          number: 1,
          pull_request: { head: { sha: 'abc', ref: 'f' } },
        }),
      ),
      undefined,
    ],
    [
      'gitlab update',
      'Merge Request Hook',
      Buffer.from(
        JSON.stringify({
          object_attributes: {
            action: 'update',
            iid: 3,
            last_commit: { id: SHA },
            source_branch: 'mr',
          },
        }),
      ),
      { number: 3, sha: SHA, ref: 'mr' },
    ],
  ];
  for (const [name, event, body, want] of cases)
    assert.deepEqual(parsePullRequest({ event, body }), want, name);
});

void test('buildPreviewRequests: a status on the head commit and a comment on the pull request', () => {
  const pub = {
    sha: SHA,
    context: 'moor/preview/eu/app/web',
    state: 'failure' as const,
    description: 'x'.repeat(200),
    pullRequest: 7,
    markdown: '## body',
  };
  const gh = buildPreviewRequests('github', 'https://github.com/acme/app', 'tok', pub);
  assert.ok(gh.ok);
  assert.deepEqual(
    gh.value.map((r) => r.url),
    [
      `https://api.github.com/repos/acme/app/statuses/${SHA}`,
      'https://api.github.com/repos/acme/app/issues/7/comments',
    ],
  );
  const status = JSON.parse(gh.value[0]?.body ?? '{}') as { state: string; description: string };
  assert.equal(status.state, 'failure');
  assert.equal([...status.description].length, 140);
  const gl = buildPreviewRequests('gitlab', 'https://gitlab.example/group/app', 'tok', pub);
  assert.ok(gl.ok);
  assert.deepEqual(
    gl.value.map((r) => r.url),
    [
      `https://gitlab.example/api/v4/projects/group%2Fapp/statuses/${SHA}`,
      'https://gitlab.example/api/v4/projects/group%2Fapp/merge_requests/7/notes',
    ],
  );
  assert.equal((JSON.parse(gl.value[0]?.body ?? '{}') as { state: string }).state, 'failed');
  const statusOnly = buildPreviewRequests('gitea', 'https://gitea.example/o/r', 'tok', {
    ...pub,
    pullRequest: undefined,
  });
  assert.ok(statusOnly.ok);
  assert.equal(statusOnly.value.length, 1);
  assert.equal(buildPreviewRequests('github', 'not a url', 'tok', pub).ok, false);
});
