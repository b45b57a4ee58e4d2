import assert from 'node:assert/strict';
import { test } from 'node:test';
import { register } from 'prom-client';
import { createMetrics } from './metrics.ts';

test('recorded values appear in the exposition text', async () => {
  const metrics = createMetrics({ processMetrics: false });
  metrics.observeReconcile({ kind: 'Sync', result: 'success', durationSeconds: 0.3 });
  metrics.observeReconcile({ kind: 'Sync', result: 'success', durationSeconds: 7 });
  metrics.observeReconcile({ kind: 'GitRepository', result: 'failure', durationSeconds: 0.02 });
  metrics.setObjects({ namespace: 'apps', sync: 'web', inSync: 11, drifted: 2 });
  metrics.recordAlertDelivery({ provider: 'slack', result: 'success' });
  metrics.recordAlertDelivery({ provider: 'slack', result: 'success' });
  metrics.recordAlertDelivery({ provider: 'webhook', result: 'failure' });
  metrics.observeCommitToConverged({ namespace: 'apps', sync: 'web', seconds: 42 });
  const counts = new Map([
    ['get', 3],
    ['patch', 1],
  ]);
  metrics.observeApiRequests(() => counts);

  const text = await metrics.render();
  const lines = new Set(text.split('\n'));
  const expected = [
    'moor_reconcile_total{kind="Sync",result="success"} 2',
    'moor_reconcile_total{kind="GitRepository",result="failure"} 1',
    'moor_reconcile_duration_seconds_count{kind="Sync",result="success"} 2',
    'moor_reconcile_duration_seconds_sum{kind="Sync",result="success"} 7.3',
    'moor_reconcile_duration_seconds_bucket{le="0.5",kind="Sync",result="success"} 1',
    'moor_reconcile_duration_seconds_bucket{le="10",kind="Sync",result="success"} 2',
    'moor_objects{namespace="apps",sync="web",state="in_sync"} 11',
    'moor_objects{namespace="apps",sync="web",state="drifted"} 2',
    'moor_alert_deliveries_total{provider="slack",result="success"} 2',
    'moor_alert_deliveries_total{provider="webhook",result="failure"} 1',
    'moor_commit_to_converged_seconds_count{namespace="apps",sync="web"} 1',
    'moor_commit_to_converged_seconds_bucket{le="60",namespace="apps",sync="web"} 1',
    'moor_commit_to_converged_seconds_bucket{le="30",namespace="apps",sync="web"} 0',
    'moor_api_requests_total{verb="get"} 3',
    'moor_api_requests_total{verb="patch"} 1',
    '# TYPE moor_api_requests_total counter',
    '# TYPE moor_objects gauge',
  ];
  for (const line of expected) assert.ok(lines.has(line), `missing ${line} in:\n${text}`);
  assert.match(metrics.contentType, /^text\/plain; version=0\.0\.4/);

  // The API request counts are read afresh at each scrape.
  counts.set('get', 10);
  assert.match(await metrics.render(), /^moor_api_requests_total\{verb="get"\} 10$/m);

  // A deleted Sync's series disappear from the exposition.
  metrics.forgetSync({ namespace: 'apps', sync: 'web' });
  const after = await metrics.render();
  assert.doesNotMatch(after, /^moor_objects\{/m);
  assert.doesNotMatch(after, /^moor_commit_to_converged_seconds_\w+\{.*sync="web"/m);
});

test('moor_leader says whether this process leads', async () => {
  const metrics = createMetrics({ processMetrics: false });
  metrics.setLeader(false);
  assert.match(await metrics.render(), /^moor_leader 0$/m);
  metrics.setLeader(true);
  assert.match(await metrics.render(), /^moor_leader 1$/m);
});

test('each metrics object has its own registry and leaves the global one empty', async () => {
  const a = createMetrics({ processMetrics: false });
  const b = createMetrics();
  a.recordAlertDelivery({ provider: 'slack', result: 'success' });
  assert.match(await a.render(), /moor_alert_deliveries_total\{provider="slack"/);
  const bText = await b.render();
  assert.doesNotMatch(bText, /moor_alert_deliveries_total\{/);
  assert.match(bText, /^process_cpu_user_seconds_total /m);
  assert.equal((await register.metrics()).trim(), '');
});

test('moor_remembered_entries reads the sizes afresh at each scrape, and drops a map that went', async () => {
  const metrics = createMetrics({ processMetrics: false });
  const sizes = new Map([
    ['desired', 3],
    ['status_writes', 5],
  ]);
  metrics.observeRemembered(() => sizes);
  const text = await metrics.render();
  assert.match(text, /^moor_remembered_entries\{map="desired"\} 3$/m);
  assert.match(text, /^moor_remembered_entries\{map="status_writes"\} 5$/m);
  sizes.set('desired', 0);
  sizes.delete('status_writes');
  const after = await metrics.render();
  assert.match(after, /^moor_remembered_entries\{map="desired"\} 0$/m);
  assert.doesNotMatch(after, /status_writes/);
});

test('image scans and update runs are counted and timed by resource and result, then forgotten', async () => {
  const metrics = createMetrics({ processMetrics: false });
  const web = { namespace: 'apps', name: 'web' };
  metrics.observeImageScan({ ...web, result: 'success', durationSeconds: 0.2 });
  metrics.observeImageScan({ ...web, result: 'success', durationSeconds: 0.4 });
  metrics.observeImageScan({ ...web, result: 'failure', durationSeconds: 3 });
  metrics.observeImageUpdate({ ...web, result: 'pushed', durationSeconds: 1.5 });
  metrics.observeImageUpdate({ ...web, result: 'unchanged', durationSeconds: 0.5 });
  const lines = new Set((await metrics.render()).split('\n'));
  for (const line of [
    'moor_image_scan_total{namespace="apps",name="web",result="success"} 2',
    'moor_image_scan_total{namespace="apps",name="web",result="failure"} 1',
    'moor_image_scan_duration_seconds_sum{namespace="apps",name="web",result="success"} 0.6000000000000001',
    'moor_image_scan_duration_seconds_bucket{le="0.25",namespace="apps",name="web",result="success"} 1',
    'moor_image_update_total{namespace="apps",name="web",result="pushed"} 1',
    'moor_image_update_total{namespace="apps",name="web",result="unchanged"} 1',
    'moor_image_update_duration_seconds_count{namespace="apps",name="web",result="pushed"} 1',
  ])
    assert.ok(lines.has(line), `missing: ${line}`);
  metrics.forgetImage({ kind: 'ImageRepository', ...web });
  const after = await metrics.render();
  assert.doesNotMatch(after, /moor_image_scan_total\{/);
  assert.doesNotMatch(after, /moor_image_scan_duration_seconds_count\{/);
  assert.match(after, /moor_image_update_total\{namespace="apps",name="web",result="pushed"\} 1/);
  metrics.forgetImage({ kind: 'ImageUpdateAutomation', ...web });
  assert.doesNotMatch(await metrics.render(), /moor_image_update_total\{/);
});

test('moor_live_cache_objects reads the live cache size at each scrape', async () => {
  const metrics = createMetrics({ processMetrics: false });
  let size = 40;
  metrics.observeLiveObjects(() => size);
  assert.match(await metrics.render(), /^moor_live_cache_objects 40$/m);
  size = 20;
  assert.match(await metrics.render(), /^moor_live_cache_objects 20$/m);
});
