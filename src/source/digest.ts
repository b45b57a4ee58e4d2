/**
 * The content digest of an artifact directory: sha256 over every file's relative path, mode and
 * content (symlinks by their target), in sorted order. The same tree always gives the same digest.
 * Artifacts fetched from Git are named by treeDigest instead, which needs no pass over the files.
 */
import { createHash } from 'node:crypto';
import { lstat, readdir, readFile, readlink, rm } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import ignore from 'ignore';
import pLimit from 'p-limit';

/**
 * The digest of an artifact made from a Git tree: git's tree id already names the content (paths,
 * modes, blobs, symlink targets), so it is hashed with the `spec.ignore` rules that filter the
 * tree. Different rules give a different digest even when they remove the same files: the digest
 * then changes more often than the content, never less. One tree and one rule text always give
 * the same digest, whatever the commit.
 */
export function treeDigest(tree: string, ignoreRules: string | undefined): string {
  const hash = createHash('sha256')
    .update('moor-artifact-v1\0tree\0')
    .update(tree)
    .update('\0ignore\0')
    .update(ignoreRules?.trim() ? ignoreRules : '');
  return `sha256:${hash.digest('hex')}`;
}

/** Whether `path` is left out of the artifact by `spec.ignore`. */
export function ignoreMatcher(patterns: string | undefined): (path: string) => boolean {
  if (!patterns?.trim()) return () => false;
  const matcher = ignore().add(patterns);
  return (path) => matcher.ignores(path);
}

async function listFiles(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => !e.isDirectory())
    .map((e) => relative(root, join(e.parentPath, e.name)).split(sep).join('/'))
    .filter((p) => p !== '.git' && !p.startsWith('.git/'))
    .sort();
}

/** Removes files matching `.gitignore`-style patterns (spec.ignore) from the tree. */
export async function removeIgnored(root: string, patterns: string | undefined): Promise<number> {
  if (!patterns?.trim()) return 0;
  const ignores = ignoreMatcher(patterns);
  const files = await listFiles(root);
  const doomed = files.filter(ignores);
  await Promise.all(doomed.map((f) => rm(join(root, f), { force: true })));
  return doomed.length;
}

/** One file's line in the digest: path, mode (or link) and content hash. */
async function describeFile(root: string, file: string): Promise<string> {
  const full = join(root, file);
  const stat = await lstat(full);
  if (stat.isSymbolicLink()) return `${file}\0link\0${await readlink(full)}\n`;
  const content = createHash('sha256')
    .update(await readFile(full))
    .digest('hex');
  const mode = stat.mode & 0o111 ? '755' : '644';
  return `${file}\0${mode}\0${content}\n`;
}

export async function digestTree(root: string): Promise<string> {
  const limit = pLimit(32);
  const files = await listFiles(root);
  // Read in parallel, hash in sorted order: the digest does not depend on timing.
  const lines = await Promise.all(files.map((file) => limit(() => describeFile(root, file))));
  const hash = createHash('sha256');
  for (const line of lines) hash.update(line);
  return `sha256:${hash.digest('hex')}`;
}
