import assert from 'node:assert/strict';
import { test } from 'node:test';
import { forgetRendered, type RenderCache } from './render.ts';

test('forgetRendered drops every revision of the deleted Sync and keeps the others', () => {
  const cache: RenderCache = new Map(
    [
      'sha1:a|apps|prod|team|web',
      'sha1:b|apps|prod|team|web',
      'sha1:a|apps|prod|team|web-2',
      'sha1:a|apps|prod|other|web',
    ].map((key) => [key, { objects: [], reads: [] }]),
  );
  forgetRendered(cache, 'team', 'web');
  assert.deepEqual(
    [...cache.keys()],
    ['sha1:a|apps|prod|team|web-2', 'sha1:a|apps|prod|other|web'],
  );
});
