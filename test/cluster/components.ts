// Stops and starts one process of a running control plane (kube-apiserver, etcd …) with the same
// command line, data and ports, for fault tests: the command is read back from /proc.
import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ControlPlane } from './control-plane.ts';

export type StoppedComponent = {
  readonly name: string;
  readonly command: readonly string[];
};

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function commandOf(pid: number): Promise<string[]> {
  const raw = await readFile(`/proc/${pid}/cmdline`, 'utf8');
  return raw.split('\0').filter((part) => part !== '');
}

/** Stops `name` with `signal` (SIGKILL after 10 s) and returns what starts it again. */
export async function stopComponent(
  plane: ControlPlane,
  name: string,
  signal: 'SIGTERM' | 'SIGKILL' = 'SIGTERM',
): Promise<StoppedComponent> {
  const pid = plane.pids[name];
  if (pid === undefined || !alive(pid)) throw new Error(`control plane: ${name} is not running`);
  const command = await commandOf(pid);
  process.kill(pid, signal);
  for (let i = 0; i < 100 && alive(pid); i++) await sleep(100);
  if (alive(pid)) process.kill(pid, 'SIGKILL');
  for (let i = 0; i < 50 && alive(pid); i++) await sleep(100);
  if (alive(pid)) throw new Error(`control plane: ${name} (pid ${pid}) did not exit`);
  return { name, command };
}

/** Starts a stopped component again (logging where it did) and records its pid in the state. */
export async function startComponent(
  plane: ControlPlane,
  stopped: StoppedComponent,
): Promise<ControlPlane> {
  const [binary, ...args] = stopped.command;
  if (!binary) throw new Error(`control plane: no command for ${stopped.name}`);
  const fd = openSync(join(plane.stateDir, 'logs', `${stopped.name}.log`), 'a');
  const child = spawn(binary, args, { detached: true, stdio: ['ignore', fd, fd] });
  closeSync(fd);
  child.unref();
  if (child.pid === undefined) throw new Error(`control plane: could not start ${stopped.name}`);
  const next: ControlPlane = { ...plane, pids: { ...plane.pids, [stopped.name]: child.pid } };
  await writeFile(join(plane.stateDir, 'state.json'), JSON.stringify(next, null, 2));
  return next;
}
