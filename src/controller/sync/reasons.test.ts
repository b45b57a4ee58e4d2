import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RenderErrorCode } from '../../render/index.ts';
import { applyFailureReason, renderFailureReason } from './reasons.ts';

test('every render error code makes the Sync BuildFailed', () => {
  const codes = Object.values(RenderErrorCode);
  assert.ok(codes.length > 10);
  for (const code of codes) assert.equal(renderFailureReason(code), 'BuildFailed', code);
});

test('an apply failure is named by where it stopped, a conflict first', () => {
  const conflict = [
    {
      id: { group: '', kind: 'ConfigMap', namespace: 'a', name: 'b' },
      owner: { name: 'other', namespace: 'a' },
    },
  ];
  const table: [
    phase: 'validate' | 'apply' | 'prune' | 'done',
    conflicts: typeof conflict,
    reason: string,
  ][] = [
    ['validate', [], 'DryRunFailed'],
    ['apply', [], 'ApplyFailed'],
    ['prune', [], 'PruneFailed'],
    ['done', [], 'ApplyFailed'],
    ['validate', conflict, 'Conflict'],
    ['apply', conflict, 'Conflict'],
  ];
  for (const [phase, conflicts, reason] of table) {
    assert.equal(
      applyFailureReason({ phase, conflicts }),
      reason,
      `${phase}, ${conflicts.length} conflicts`,
    );
  }
});
