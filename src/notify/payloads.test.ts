// Request builders (pure): webhook body and signature, Slack, commit statuses, repository URLs.
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { test } from 'node:test';
import { parseRepoAddress, type GitHostType } from './address.ts';
import { CommitStates, buildCommitStatusRequest, describeEvent } from './commit-status.ts';
import { buildSlackRequest, buildWebhookRequest, isDeliverable } from './payloads.ts';
import { SHA, makeEvent } from './test-helpers.ts';

const input = {
  providerId: 'Provider/apps/hook',
  address: 'https://hooks.example/x',
  cluster: 'prod-eu',
};

test('the webhook body has exactly the documented keys, signed over its exact bytes', () => {
  const request = buildWebhookRequest({ ...input, secret: { hmacKey: 'k3y' } }, makeEvent());
  const body: unknown = JSON.parse(request.body);
  assert.deepEqual(body, {
    event: 'Converged',
    severity: 'info',
    cluster: 'prod-eu',
    source: { kind: 'Sync', namespace: 'apps', name: 'web' },
    revision: `main@sha1:${SHA}`,
    message: 'applied 3 objects, all healthy',
    objects: ['Deployment/apps/web', 'Service/apps/web'],
    timestamp: '2024-05-01T12:03:00Z',
  });
  assert.deepEqual(Object.keys(body as object), [
    'event',
    'severity',
    'cluster',
    'source',
    'revision',
    'message',
    'objects',
    'timestamp',
  ]);
  const expected = createHmac('sha256', 'k3y').update(request.body).digest('hex');
  assert.equal(request.headers['X-Moor-Signature'], `sha256=${expected}`);
  assert.equal(request.headers['Content-Type'], 'application/json');
  assert.equal(request.headers.Authorization, undefined);
});

test('the webhook body keeps every key when the event has no revision or objects', () => {
  const event = makeEvent({ revision: undefined, objects: undefined, event: 'Diverged' });
  const request = buildWebhookRequest({ ...input, secret: { token: 't0ken' } }, event);
  const body = JSON.parse(request.body) as Record<string, unknown>;
  assert.equal(body.revision, '');
  assert.deepEqual(body.objects, []);
  assert.equal(request.headers['X-Moor-Signature'], undefined);
  assert.equal(request.headers.Authorization, 'Bearer t0ken');
});

test('Slack gets a text line and one attachment coloured by severity', () => {
  const ok = JSON.parse(buildSlackRequest(input, makeEvent()).body) as {
    text: string;
    attachments: { color: string; fields: { title: string; value: string }[] }[];
  };
  assert.match(ok.text, /^Converged Sync\/apps\/web on prod-eu: applied 3 objects/);
  assert.equal(ok.attachments.length, 1);
  assert.equal(ok.attachments[0]?.color, 'good');
  assert.deepEqual(
    ok.attachments[0]?.fields.map((f) => [f.title, f.value]),
    [
      ['Sync', 'apps/web'],
      ['Revision', `main@sha1:${SHA}`],
      ['Cluster', 'prod-eu'],
      ['Objects', 'Deployment/apps/web\nService/apps/web'],
    ],
  );
  const bad = JSON.parse(
    buildSlackRequest(input, makeEvent({ event: 'ApplyFailed', severity: 'error' })).body,
  ) as { attachments: { color: string }[] };
  assert.equal(bad.attachments[0]?.color, 'danger');
});

test('repository addresses map to API bases', () => {
  const cases: ReadonlyArray<[GitHostType, string, string, string[]]> = [
    ['github', 'https://github.com/org/app', 'https://api.github.com', ['org', 'app']],
    ['github', 'https://github.com/org/app.git', 'https://api.github.com', ['org', 'app']],
    ['github', 'git@github.com:org/app.git', 'https://api.github.com', ['org', 'app']],
    ['github', 'https://ghe.corp/org/app/', 'https://ghe.corp/api/v3', ['org', 'app']],
    ['github', 'http://127.0.0.1:8080/org/app', 'http://127.0.0.1:8080/api/v3', ['org', 'app']],
    [
      'gitlab',
      'https://gitlab.example/group/sub/app',
      'https://gitlab.example/api/v4',
      ['group', 'sub', 'app'],
    ],
    [
      'gitlab',
      'ssh://git@gitlab.example:2222/g/app.git',
      'https://gitlab.example/api/v4',
      ['g', 'app'],
    ],
    ['gitea', 'https://gitea.example/org/app.git', 'https://gitea.example/api/v1', ['org', 'app']],
  ];
  for (const [type, address, apiBase, segments] of cases) {
    const parsed = parseRepoAddress(type, address);
    assert.ok(parsed.ok, `${address}: ${parsed.ok ? '' : parsed.error}`);
    assert.deepEqual(parsed.value, { apiBase, segments }, address);
  }
  for (const [type, address] of [
    ['github', 'https://github.com/org'],
    ['github', 'https://github.com/org/app/extra'],
    ['gitea', 'not a url'],
    ['gitlab', 'ftp://host/g/app'],
  ] as const) {
    assert.equal(parseRepoAddress(type, address).ok, false, address);
  }
});

test('commit statuses: URL, auth header and state per host and event', () => {
  const gitInput = { ...input, address: 'https://git.example/org/app', secret: { token: 'tk' } };
  const build = (type: GitHostType, event = makeEvent()) => {
    const built = buildCommitStatusRequest(type, gitInput, event);
    assert.ok(built.ok && built.value);
    return { ...built.value, json: JSON.parse(built.value.body) as Record<string, string> };
  };
  const github = build('github');
  assert.equal(github.url, `https://git.example/api/v3/repos/org/app/statuses/${SHA}`);
  assert.equal(github.headers.Authorization, 'Bearer tk');
  assert.equal(github.headers.Accept, 'application/vnd.github+json');
  assert.deepEqual(github.json, {
    state: 'success',
    context: 'moor/prod-eu/apps/web',
    description: 'Converged: applied 3 objects, all healthy',
  });
  const gitlab = build('gitlab', makeEvent({ event: 'ChangeCommitted' }));
  assert.equal(gitlab.url, `https://git.example/api/v4/projects/org%2Fapp/statuses/${SHA}`);
  assert.equal(gitlab.headers['PRIVATE-TOKEN'], 'tk');
  assert.equal(gitlab.json.state, 'running');
  assert.equal(gitlab.json.name, 'moor/prod-eu/apps/web');
  const gitea = build('gitea', makeEvent({ event: 'HealthFailed', severity: 'error' }));
  assert.equal(gitea.url, `https://git.example/api/v1/repos/org/app/statuses/${SHA}`);
  assert.equal(gitea.headers.Authorization, 'token tk');
  assert.equal(gitea.json.state, 'failure');
  assert.equal(build('github', makeEvent({ event: 'Diverged' })).json.state, 'error');
  assert.equal(build('gitlab', makeEvent({ event: 'ApplyFailed' })).json.state, 'failed');
  assert.equal(CommitStates.Pruned, undefined);
});

test('commit statuses need a token and a Sync event with a revision', () => {
  const gitInput = { ...input, address: 'https://github.com/org/app' };
  const noToken = buildCommitStatusRequest('github', gitInput, makeEvent());
  assert.ok(!noToken.ok);
  assert.equal(noToken.error.code, 'SecretKeyMissing');
  assert.match(noToken.error.message, /^Provider\/apps\/hook: .*`token`/);
  const withToken = { ...gitInput, secret: { token: 'tk' } };
  const skipped = [
    makeEvent({ revision: undefined }),
    makeEvent({ revision: 'main@sha1:abc' }),
    makeEvent({ event: 'Pruned' }),
    makeEvent({ source: { kind: 'GitRepository', namespace: 'apps', name: 'repo' } }),
  ];
  for (const event of skipped) {
    const built = buildCommitStatusRequest('github', withToken, event);
    assert.ok(built.ok && built.value === undefined, JSON.stringify(event));
    assert.equal(isDeliverable('github', event), false);
  }
  const bare = buildCommitStatusRequest(
    'github',
    withToken,
    makeEvent({ revision: `sha1:${SHA}` }),
  );
  assert.ok(bare.ok && bare.value?.url.endsWith(`/statuses/${SHA}`));
});

test('descriptions are cut to 140 characters', () => {
  const long = describeEvent(makeEvent({ message: 'x'.repeat(500) }));
  assert.equal([...long].length, 140);
  assert.ok(long.endsWith('…'));
});

test('which provider types act on which events', () => {
  const converged = makeEvent();
  const committed = makeEvent({ event: 'ChangeCommitted' });
  assert.equal(isDeliverable('webhook', makeEvent({ revision: undefined })), true);
  assert.equal(isDeliverable('slack', committed), true);
  assert.equal(isDeliverable('gittag', converged), true);
  assert.equal(isDeliverable('gittag', committed), false);
  assert.equal(isDeliverable('gittag', makeEvent({ revision: undefined })), false);
  assert.equal(isDeliverable('gitlab', committed), true);
});
