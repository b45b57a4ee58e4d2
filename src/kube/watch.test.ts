import assert from 'node:assert/strict';
import { test } from 'node:test';
import { consumeWatchStream, parseWatchLine } from './watch.ts';
import type { WatchEvent } from './types.ts';

const cm = (name: string, rv: string) => ({
  kind: 'ConfigMap',
  apiVersion: 'v1',
  metadata: { name, namespace: 'ns', resourceVersion: rv },
});

function streamOf(chunks: string[]) {
  let closed = 0;
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const c of chunks) controller.enqueue(new TextEncoder().encode(c));
      controller.close();
    },
  });
  return { stream: { body, close: () => void closed++ }, closed: () => closed };
}

test('events split across chunks and several per chunk are all delivered, in order', async () => {
  const lines = [
    JSON.stringify({ type: 'ADDED', object: cm('a', '1') }),
    JSON.stringify({ type: 'MODIFIED', object: cm('a', '2') }),
    JSON.stringify({
      type: 'BOOKMARK',
      object: { kind: 'ConfigMap', apiVersion: 'v1', metadata: { resourceVersion: '3' } },
    }),
    JSON.stringify({ type: 'DELETED', object: cm('a', '4') }),
  ];
  const text = lines.join('\n') + '\n';
  const chunks = [text.slice(0, 7), text.slice(7, 150), text.slice(150, 151), text.slice(151)];
  const { stream, closed } = streamOf(chunks);
  const seen: WatchEvent[] = [];
  const res = await consumeWatchStream(
    stream,
    'ConfigMap in namespace ns',
    (e) => seen.push(e),
    new AbortController().signal,
  );
  assert.deepEqual(res, { ok: true, value: undefined });
  assert.deepEqual(
    seen.map((e) => [e.type, e.object.metadata.resourceVersion]),
    [
      ['ADDED', '1'],
      ['MODIFIED', '2'],
      ['BOOKMARK', '3'],
      ['DELETED', '4'],
    ],
  );
  assert.equal(closed(), 1);
});

test('an ERROR event ends the watch with Expired for 410 and stops delivering', async () => {
  const gone = {
    kind: 'Status',
    status: 'Failure',
    message: 'too old resource version: 1 (99)',
    reason: 'Expired',
    code: 410,
  };
  const { stream, closed } = streamOf([
    JSON.stringify({ type: 'ADDED', object: cm('a', '1') }) + '\n',
    JSON.stringify({ type: 'ERROR', object: gone }) + '\n',
    JSON.stringify({ type: 'ADDED', object: cm('b', '2') }) + '\n',
  ]);
  const seen: string[] = [];
  const res = await consumeWatchStream(
    stream,
    'ConfigMap in namespace ns',
    (e) => seen.push(e.object.metadata.name ?? ''),
    new AbortController().signal,
  );
  assert.equal(res.ok, false);
  assert.equal(!res.ok && res.error.code, 'Expired');
  assert.deepEqual(seen, ['a']);
  assert.equal(closed(), 1);
});

test('unreadable or unknown lines are errors that name the watched collection', () => {
  const bad = parseWatchLine('{"type":"ADDED"', 'Widget.example.com (all namespaces)');
  assert.ok('error' in bad);
  assert.equal(bad.error.code, 'Failed');
  assert.match(
    bad.error.message,
    /^watch Widget\.example\.com \(all namespaces\): unreadable event/,
  );
  const odd = parseWatchLine('{"type":"SOMETHING","object":{}}', 'x');
  assert.ok('error' in odd);
  assert.match(odd.error.message, /unexpected event type "SOMETHING"/);
});
