import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { access, mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { systemClock } from '../core/index.ts';
import { createChartCaches, sweepChartDirs } from './chart-caches.ts';

const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );

/** The pid of a process that has exited. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  const pid = child.pid ?? 0;
  await new Promise((resolve) => child.once('exit', resolve));
  return pid;
}

test('chart caches: a directory of their own, removed on close, on abort, and after a crash', async (t) => {
  const scratch = await mkdtemp(join(tmpdir(), 'moor-chart-caches-'));
  t.after(() => rm(scratch, { recursive: true, force: true }));
  const helm = { path: undefined, scratchDir: scratch };
  const left = join(scratch, `moor-charts-${await deadPid()}-abc`);
  const alive = join(scratch, `moor-charts-${process.ppid}-def`);
  await mkdir(left);
  await mkdir(alive);
  assert.deepEqual(await sweepChartDirs(scratch), [`moor-charts-${left.split('-charts-')[1]}`]);
  assert.ok(!(await exists(left)), 'the directory of a process that has gone is removed');
  assert.ok(await exists(alive), 'a running process keeps its directory');

  const caches = createChartCaches({ helm, clock: systemClock });
  assert.ok(await exists(caches.dir));
  assert.match(caches.dir, new RegExp(`moor-charts-${process.pid}-`));
  await caches.close();
  assert.ok(!(await exists(caches.dir)));

  const stop = new AbortController();
  const other = createChartCaches({ helm, clock: systemClock }, stop.signal);
  stop.abort();
  for (let i = 0; i < 100 && (await exists(other.dir)); i++)
    await new Promise((resolve) => setTimeout(resolve, 20));
  assert.ok(!(await exists(other.dir)), 'removed when the operator stops');
  assert.deepEqual(await readdir(scratch), [`moor-charts-${process.ppid}-def`]);
});
