// Real age keys and real SOPS files for tests: `age-keygen` and `sops` as the set-up builds them
// (.cache/bin), or a reason to skip. The plaintext given to sops lives in a private temporary
// directory only while sops runs.
import { execFile } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const bin = resolve(import.meta.dirname, '..', '..', '.cache', 'bin');

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Undefined when sops and age-keygen are there; else why the test is skipped. */
export function sopsSkip(): string | undefined {
  const missing = ['sops', 'age-keygen'].filter((p) => !executable(join(bin, p)));
  return missing.length > 0
    ? `needs ${missing.join(' and ')}: run bash scripts/setup.sh`
    : undefined;
}

export type AgeKey = { readonly identity: string; readonly recipient: string };

/** A new X25519 age key pair, made by age-keygen. */
export async function makeAgeKey(): Promise<AgeKey> {
  const { stdout } = await run(join(bin, 'age-keygen'), [], { timeout: 30_000 });
  const identity = stdout.split('\n').find((l) => l.startsWith('AGE-SECRET-KEY-1')) ?? '';
  const recipient = /public key: (age1\S+)/.exec(stdout)?.[1] ?? '';
  if (!identity || !recipient) throw new Error(`age-keygen printed no key pair`);
  return { identity, recipient };
}

/**
 * `text` encrypted by sops for `recipients`, in the format of `name`'s extension (`.yaml`,
 * `.json`, `.env`); `args` are extra sops flags (`--encrypted-regex`, …).
 */
export async function sopsEncrypt(
  name: string,
  text: string,
  recipients: readonly string[],
  args: readonly string[] = [],
): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'moor-sops-'));
  try {
    const file = join(dir, name);
    await writeFile(file, text, { mode: 0o600 });
    const { stdout } = await run(
      join(bin, 'sops'),
      ['encrypt', '--age', recipients.join(','), ...args, file],
      { timeout: 60_000, env: { PATH: process.env.PATH ?? '', HOME: dir } },
    );
    return stdout;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
