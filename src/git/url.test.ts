import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseGitUrl } from './url.ts';

const table: {
  url: string;
  allowFile?: boolean;
  transport?: string;
  redacted?: string;
  code?: string;
}[] = [
  { url: 'https://github.com/o/r.git', transport: 'http', redacted: 'https://github.com/o/r.git' },
  { url: 'http://127.0.0.1:8080/repo', transport: 'http', redacted: 'http://127.0.0.1:8080/repo' },
  {
    url: 'https://bob:hunter2@git.example/r',
    transport: 'http',
    redacted: 'https://git.example/r',
  },
  {
    url: 'ssh://git@github.com/o/r.git',
    transport: 'ssh',
    redacted: 'ssh://git@github.com/o/r.git',
  },
  { url: 'ssh://git:pw@host:2222/r', transport: 'ssh', redacted: 'ssh://git@host:2222/r' },
  { url: 'git@github.com:o/r.git', transport: 'ssh', redacted: 'git@github.com:o/r.git' },
  { url: 'file:///srv/repo', allowFile: true, transport: 'file', redacted: 'file:///srv/repo' },
  { url: 'file:///srv/repo', code: 'InvalidUrl' },
  { url: '/srv/repo', allowFile: true, code: 'InvalidUrl' },
  { url: 'git://host/r', code: 'InvalidUrl' },
  { url: 'ext::sh -c touch% /tmp/pwned', code: 'InvalidUrl' },
  { url: '--upload-pack=touch /tmp/x', code: 'InvalidUrl' },
  { url: 'https://host/r\nx', code: 'InvalidUrl' },
];

for (const { url, allowFile = false, transport, redacted, code } of table) {
  test(`parseGitUrl ${JSON.stringify(url)}${allowFile ? ' (file allowed)' : ''}`, () => {
    const result = parseGitUrl(url, allowFile);
    if (code) {
      assert.ok(!result.ok);
      assert.equal(result.error.code, code);
      assert.doesNotMatch(result.error.message, /hunter2/);
    } else {
      assert.ok(result.ok, !result.ok ? result.error.message : '');
      assert.equal(result.value.transport, transport);
      assert.equal(result.value.redacted, redacted);
      assert.equal(result.value.url, url);
    }
  });
}
