import assert from 'node:assert/strict';
import { test } from 'node:test';
import { classifyUrl, redactUrl } from './classify-url.ts';

test('URLs are classified by transport, file:// only when allowed', () => {
  const table: [url: string, allowFile: boolean, expected: string][] = [
    ['https://git.example/org/repo.git', false, 'http'],
    ['http://127.0.0.1:8080/repo.git', false, 'http'],
    ['ssh://git@127.0.0.1:2222/srv/repo.git', false, 'ssh'],
    ['git@github.com:org/repo.git', false, 'ssh'],
    ['file:///tmp/repo', true, 'file'],
    ['file:///tmp/repo', false, 'FileUrlsDisabled'],
    ['ftp://host/repo', false, 'InvalidUrl'],
    ['not a url', false, 'InvalidUrl'],
  ];
  for (const [url, allow, expected] of table) {
    const r = classifyUrl(url, 'GitRepository/ns/app', allow);
    assert.equal(r.ok ? r.value : r.error.code, expected, url);
    if (!r.ok) assert.match(r.error.message, /^GitRepository\/ns\/app: /);
  }
});

test('credentials in a URL never reach a message', () => {
  assert.equal(redactUrl('https://user:s3cret@host/repo.git'), 'https://host/repo.git');
  const r = classifyUrl('gopher://user:s3cret@host/x', 'GitRepository/ns/app', false);
  assert.ok(!r.ok);
  assert.doesNotMatch(r.error.message, /s3cret/);
});
