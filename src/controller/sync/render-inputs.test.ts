import assert from 'node:assert/strict';
import { test } from 'node:test';
import { identitiesOf } from './render-inputs.ts';

void test('identitiesOf reads every *.agekey key (age.agekey as Flux), one or more keys each', () => {
  const a = 'AGE-SECRET-KEY-1AAAA';
  const b = 'AGE-SECRET-KEY-1BBBB';
  const c = 'AGE-SECRET-KEY-1CCCC';
  const cases: [Record<string, string>, string[]][] = [
    [{ 'age.agekey': a }, [a]],
    [{ 'identity.agekey': `# created: 2026-12-01\n# public key: age1x\n${a}\n` }, [a]],
    [{ 'z.agekey': c, 'b.agekey': `${a}\n${b}` }, [a, b, c]],
    [{ 'identity.txt': a, password: 'x' }, []],
    [{}, []],
  ];
  for (const [data, want] of cases)
    assert.deepEqual(identitiesOf(data), want, JSON.stringify(data));
});
