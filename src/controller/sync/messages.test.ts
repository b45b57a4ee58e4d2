import assert from 'node:assert/strict';
import { test } from 'node:test';
import { differMessage, failedMessage, matchMessage } from './messages.ts';

const REV = `main@sha1:${'a'.repeat(40)}`;

void test('InSync messages agree in number: 1 object differs, 2 objects differ', () => {
  assert.equal(
    differMessage(['ConfigMap/apps/a'], REV),
    `1 object differs from revision ${REV}: ConfigMap/apps/a`,
  );
  assert.equal(
    differMessage(['ConfigMap/apps/a', 'ConfigMap/apps/b'], REV),
    `2 objects differ from revision ${REV}: ConfigMap/apps/a; ConfigMap/apps/b`,
  );
  const seven = Array.from({ length: 7 }, (_, i) => `ConfigMap/apps/c${i}`);
  assert.match(differMessage(seven, REV), /^7 objects differ .*c4$/);
  assert.equal(matchMessage(1, REV), `the 1 object matches revision ${REV}`);
  assert.equal(matchMessage(3, REV), `all 3 objects match revision ${REV}`);
});

void test('a failed apply names its first 10 failures and counts the rest, so the status stays writable', () => {
  const one = failedMessage(['ConfigMap/apps/a: refused'], REV);
  assert.equal(one, `revision ${REV}: ConfigMap/apps/a: refused`);
  const many = Array.from({ length: 500 }, (_, i) => `ConfigMap/apps/c${i}: ${'x'.repeat(200)}`);
  const message = failedMessage(many, REV);
  assert.match(message, /c9: x+; and 490 more failed$/);
  assert.ok(!message.includes('c10:'));
  assert.ok(message.length < 32 * 1024, `${message.length} characters`);
});
