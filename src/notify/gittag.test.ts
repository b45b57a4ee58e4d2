// The gittag provider against a real repository served over smart HTTP with basic auth.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  createTestRepo,
  startHttpGitServer,
  type HttpGitServer,
  type TestRepo,
} from '../../test/helpers/git-server.ts';
import { createTestNotifier, makeAlert, makeEvent, makeProvider } from './test-helpers.ts';
import type { ProviderSpecInput } from '../api/index.ts';

const creds = { username: 'moor', password: 'gitpa55-word' };
const TAG = 'refs/tags/moor/prod-eu/apps/web';

let repo: TestRepo;
let server: HttpGitServer;
let first: string;
let second: string;

before(async () => {
  repo = await createTestRepo({ name: 'app' });
  first = await repo.commit({ 'deploy/app.yaml': 'kind: ConfigMap\n' }, 'one');
  second = await repo.commit({ 'deploy/app.yaml': 'kind: Secret\n' }, 'two');
  server = await startHttpGitServer(repo, { basic: creds });
});

after(async () => {
  await server.close();
  await repo.close();
});

function tagNotifier(
  spec: Partial<ProviderSpecInput> = {},
  secrets: [string, Record<string, string>][] = [],
) {
  return createTestNotifier({
    providers: [
      makeProvider('apps', 'tagger', {
        type: 'gittag',
        sourceRef: { name: 'app-repo', namespace: 'sources' },
        ...spec,
      }),
    ],
    alerts: [makeAlert('apps', 'all', { providerRef: { name: 'tagger' } })],
    repositories: new Map([['sources/app-repo', { url: server.url, secretRef: { name: 'git' } }]]),
    secrets: new Map([['sources/git', creds], ...secrets]),
  });
}

async function tagTarget(): Promise<string | undefined> {
  const out = await repo.git('for-each-ref', '--format=%(objectname)', TAG);
  return out.trim() || undefined;
}

test('Converged points moor/<cluster>/<ns>/<sync> at the commit, and a later Converged moves it', async () => {
  const { notifier, deliveries } = tagNotifier();
  notifier.publish(makeEvent({ event: 'ChangeCommitted', revision: `main@sha1:${first}` }));
  await notifier.idle();
  assert.equal(await tagTarget(), undefined, 'ChangeCommitted does not tag');

  notifier.publish(makeEvent({ revision: `main@sha1:${first}` }));
  await notifier.idle();
  assert.equal(await tagTarget(), first);
  assert.equal(await repo.revParse(`${TAG}^{commit}`), first);

  notifier.publish(makeEvent({ revision: `main@sha1:${second}` }));
  await notifier.idle();
  assert.equal(await tagTarget(), second, 'the tag moved to the newer commit');
  assert.deepEqual(
    deliveries.map((d) => [d.provider.type, d.result]),
    [
      ['gittag', 'success'],
      ['gittag', 'success'],
    ],
  );
  const tags = await repo.git('tag', '--list', 'moor/*');
  assert.equal(tags.trim(), 'moor/prod-eu/apps/web', 'one lightweight tag per cluster and Sync');
});

test("the Provider's own Secret wins over the GitRepository's; wrong credentials fail once, masked", async () => {
  const wrong = { username: 'moor', password: 'wrong-pa55' };
  const { notifier, deliveries, logger } = tagNotifier(
    { secretRef: { name: 'writer' }, cluster: 'staging' },
    [['apps/writer', wrong]],
  );
  notifier.publish(makeEvent({ revision: `main@sha1:${first}` }));
  await notifier.idle();
  assert.equal(deliveries.length, 1);
  assert.equal(deliveries[0]?.result, 'failure');
  assert.match(deliveries[0]?.error ?? '', /^Provider\/apps\/tagger: pushing the tag failed/);
  assert.ok(!(deliveries[0]?.error ?? '').includes('wrong-pa55'));
  const warn = logger.entries.find((e) => e.level === 'warn');
  assert.equal(warn?.bindings.attempts, 1, 'Unauthorized is not retried');
  assert.ok(!JSON.stringify(logger.entries).includes('wrong-pa55'));
  const pushes = server.requests.filter((r) =>
    r.authorization?.includes(
      Buffer.from(`${wrong.username}:${wrong.password}`).toString('base64'),
    ),
  );
  assert.ok(pushes.length > 0, "the Provider's Secret was used");
  assert.equal(
    (await repo.git('tag', '--list', 'moor/staging/*')).trim(),
    '',
    'no tag was written',
  );
});

test('a missing GitRepository is a reported failure naming it', async () => {
  const { notifier, deliveries } = tagNotifier({ sourceRef: { name: 'gone' } });
  notifier.publish(makeEvent({ revision: `main@sha1:${first}` }));
  await notifier.idle();
  assert.equal(
    deliveries[0]?.error,
    'Provider/apps/tagger: spec.sourceRef: GitRepository apps/gone not found',
  );
});
