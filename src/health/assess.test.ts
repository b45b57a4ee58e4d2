import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseAllDocuments } from 'yaml';
import type { KubeObject } from '../core/index.ts';
import { assessHealth, HealthStatus } from './index.ts';

type Case = {
  name: string;
  now?: string;
  want: { status: string; message: string };
  object: KubeObject;
};

const testdata = join(import.meta.dirname, 'testdata');
const fixtures = readdirSync(testdata)
  .filter((f) => f.endsWith('.yaml'))
  .sort();

for (const fixture of fixtures) {
  const docs = parseAllDocuments(readFileSync(join(testdata, fixture), 'utf8'));
  for (const doc of docs) {
    assert.equal(doc.errors.length, 0, `${fixture}: ${doc.errors[0]?.message ?? ''}`);
    const c = doc.toJS() as Case;
    void test(`assessHealth ${fixture.replace(/\.yaml$/, '')}: ${c.name}`, () => {
      const context = c.now ? { now: new Date(c.now) } : {};
      assert.deepEqual(assessHealth(c.object, context), c.want);
    });
  }
}

test('the fixtures cover every health status', () => {
  const seen = new Set<string>();
  for (const fixture of fixtures) {
    for (const doc of parseAllDocuments(readFileSync(join(testdata, fixture), 'utf8'))) {
      seen.add((doc.toJS() as Case).want.status);
    }
  }
  assert.deepEqual([...seen].sort(), Object.values(HealthStatus).sort());
});
