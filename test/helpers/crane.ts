// crane (built by the set-up) pushing images to a test registry, without a Docker engine.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const CRANE = join(import.meta.dirname, '../../.cache/bin/crane');

export function crane(args: string[], home = tmpdir()): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      CRANE,
      args,
      { timeout: 60_000, env: { HOME: home, PATH: '/usr/bin:/bin' } },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`crane ${args.join(' ')}: ${stderr || error.message}`));
        else resolve(stdout);
      },
    );
  });
}

/** Pushes one small image to `host/repo` and gives it every tag in `tags`. */
export async function pushTags(
  host: string,
  repo: string,
  tags: string[],
  auth?: { username: string; password: string },
): Promise<void> {
  const home = await mkdtemp(join(tmpdir(), 'moor-crane-'));
  try {
    if (auth) await crane(['auth', 'login', host, '-u', auth.username, '-p', auth.password], home);
    await writeFile(join(home, 'layer.tar'), Buffer.alloc(512));
    const [first, ...rest] = tags;
    const ref = `${host}/${repo}:${first}`;
    await crane(['append', '--insecure', '-f', join(home, 'layer.tar'), '-t', ref], home);
    for (const tag of rest) await crane(['tag', '--insecure', ref, tag], home);
  } finally {
    await rm(home, { recursive: true, force: true });
  }
}
