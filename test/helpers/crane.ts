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

const MANIFEST_TYPES = [
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
].join(', ');

/**
 * Gives the image `host/repo:from` every tag in `tags` by putting its manifest under each name
 * through the distribution API (no blobs move), a few requests at a time: thousands of tags in
 * seconds, where a crane run per tag would take minutes.
 */
export async function addTags(
  host: string,
  repo: string,
  from: string,
  tags: readonly string[],
): Promise<void> {
  const base = `http://${host}/v2/${repo}/manifests`;
  const got = await fetch(`${base}/${from}`, {
    headers: { accept: MANIFEST_TYPES },
    signal: AbortSignal.timeout(30_000),
  });
  if (!got.ok) throw new Error(`GET ${base}/${from}: ${got.status}`);
  const type = got.headers.get('content-type') ?? '';
  const body = Buffer.from(await got.arrayBuffer());
  const queue = [...tags];
  const worker = async () => {
    for (let tag = queue.shift(); tag !== undefined; tag = queue.shift()) {
      const put = await fetch(`${base}/${tag}`, {
        method: 'PUT',
        headers: { 'content-type': type },
        body,
        signal: AbortSignal.timeout(30_000),
      });
      if (!put.ok) throw new Error(`PUT ${base}/${tag}: ${put.status} ${await put.text()}`);
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
}

/** Pushes new content (a label `seed`) under `host/repo:tag`; returns the tag's new digest. */
export async function repushTag(
  host: string,
  repo: string,
  tag: string,
  seed: string,
): Promise<string> {
  const home = await mkdtemp(join(tmpdir(), 'moor-crane-'));
  try {
    const ref = `${host}/${repo}:${tag}`;
    await crane(['mutate', '--insecure', '--label', `moor.test/seed=${seed}`, ref], home);
    return await digestOf(host, repo, tag, home);
  } finally {
    await rm(home, { recursive: true, force: true });
  }
}

/** The digest `host/repo:tag` names now. */
export async function digestOf(
  host: string,
  repo: string,
  tag: string,
  home?: string,
): Promise<string> {
  return (await crane(['digest', '--insecure', `${host}/${repo}:${tag}`], home)).trim();
}
