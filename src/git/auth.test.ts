import assert from 'node:assert/strict';
import { test } from 'node:test';
import { authFromSecret } from './auth.ts';
import type { GitTransport } from './url.ts';

const subject = {
  source: 'GitRepository/ns/app',
  secret: 'ns/creds',
  url: 'https://bob:hunter2@git.example/r.git',
};

test('a Secret gives the credentials its keys and the URL call for, or names what is missing', () => {
  const table: [data: Record<string, string> | undefined, kind: GitTransport, want: string][] = [
    [undefined, 'http', 'none'],
    [{ username: 'u', password: 'p' }, 'http', 'basic'],
    [{ bearerToken: 't' }, 'http', 'bearer'],
    [{ identity: 'KEY', known_hosts: 'host ssh-ed25519 AAAA' }, 'ssh', 'ssh'],
    [{ username: 'u' }, 'http', 'SecretInvalid'],
    [{ identity: 'KEY' }, 'ssh', 'SecretInvalid'],
    [{ username: 'u', password: 'p' }, 'ssh', 'SecretInvalid'],
    [{ other: 'x' }, 'http', 'SecretInvalid'],
  ];
  for (const [data, kind, want] of table) {
    const r = authFromSecret(data, kind, subject);
    assert.equal(r.ok ? r.value.kind : r.error.code, want, JSON.stringify([data, kind]));
    if (!r.ok) {
      assert.match(r.error.message, /^GitRepository\/ns\/app: Secret ns\/creds: /);
      assert.equal(r.error.data.url, 'https://git.example/r.git');
    }
  }
});
