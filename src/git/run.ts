import { spawn } from 'node:child_process';

export type GitRunOptions = {
  readonly gitPath: string;
  readonly args: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  readonly cwd?: string;
  /** Written to git's stdin, which is then closed (at once when there is no input). */
  readonly input?: string;
  readonly timeoutMs: number;
  readonly signal: AbortSignal;
};

export type GitRun = {
  readonly stdout: string;
  readonly stderr: string;
  readonly exitCode: number | null;
  /** Why the run was cut short: our timeout, the caller's deadline (a TimeoutError abort), an abort. */
  readonly stopped?: Stop;
  /** The program could not be started (e.g. git missing). */
  readonly spawnError?: Error;
};

type Stop = 'timeout' | 'deadline' | 'aborted';

const MAX_OUTPUT = 64 << 20;

/** A signal aborted by `AbortSignal.timeout` is a deadline, anything else an abort. */
function stopOf(signal: AbortSignal): Stop {
  const reason: unknown = signal.reason;
  return reason instanceof Error && reason.name === 'TimeoutError' ? 'deadline' : 'aborted';
}

/**
 * Runs git with an argument array (no shell), a clean env given by the caller, a timeout and an
 * AbortSignal. git starts helpers (remote-https, ssh, index-pack), so it runs in its own process
 * group and a stop kills the whole group.
 */
export function runGit(options: GitRunOptions): Promise<GitRun> {
  return new Promise((resolve) => {
    if (options.signal.aborted) {
      resolve({ stdout: '', stderr: '', exitCode: null, stopped: stopOf(options.signal) });
      return;
    }
    const child = spawn(options.gitPath, options.args, {
      cwd: options.cwd,
      env: options.env,
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: true,
    });
    // git may exit before reading all its input (e.g. on a bad argument): not our error.
    child.stdin.on('error', () => undefined);
    child.stdin.end(options.input);
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    let size = 0;
    let stopped: GitRun['stopped'];
    const stop = (why: Stop): void => {
      stopped ??= why;
      if (child.pid !== undefined && child.exitCode === null) {
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {
          child.kill('SIGKILL');
        }
      }
    };
    const collect = (into: Buffer[]) => (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_OUTPUT) into.push(chunk);
    };
    child.stdout.on('data', collect(stdout));
    child.stderr.on('data', collect(stderr));
    const timer = setTimeout(() => stop('timeout'), options.timeoutMs);
    const onAbort = (): void => stop(stopOf(options.signal));
    options.signal.addEventListener('abort', onAbort, { once: true });
    let spawnError: Error | undefined;
    child.on('error', (error) => {
      spawnError = error;
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      options.signal.removeEventListener('abort', onAbort);
      resolve({
        stdout: Buffer.concat(stdout).toString('utf8'),
        stderr: Buffer.concat(stderr).toString('utf8'),
        exitCode: code,
        ...(stopped === undefined ? {} : { stopped }),
        ...(spawnError === undefined ? {} : { spawnError }),
      });
    });
  });
}
