import assert from 'node:assert/strict';
import { test } from 'node:test';
import { differMessage, matchMessage } from './messages.ts';

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
