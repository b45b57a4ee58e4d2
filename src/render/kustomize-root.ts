// The root a kustomization is built in: a private copy of one artifact, made for one render and
// removed after it, so kustomize never runs inside the shared artifact store. Symlinks are copied
// as what they point to when that is inside the artifact, and left out when it is not, so
// nothing in the copy leads outside it.
import { constants } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readdir, realpath, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { isAbsolute, join, relative, sep } from 'node:path';

export type PrivateRoot = {
  /** The copy's root directory (what the artifact root is in the store). */
  readonly dir: string;
  /** Removes the copy. */
  remove(): Promise<void>;
};

/** Copies the artifact at `artifactRoot` (a real path) into a new directory under `scratchDir`. */
export async function copyArtifact(
  artifactRoot: string,
  scratchDir: string = tmpdir(),
): Promise<PrivateRoot> {
  const base = await mkdtemp(join(scratchDir, 'moor-kustomize-'));
  const dir = join(base, 'artifact');
  const remove = () => rm(base, { recursive: true, force: true });
  try {
    await copyTree(artifactRoot, artifactRoot, dir, new Set());
  } catch (error) {
    await remove();
    throw error;
  }
  return { dir, remove };
}

async function copyTree(
  root: string,
  from: string,
  to: string,
  ancestors: ReadonlySet<string>,
): Promise<void> {
  const real = await realpath(from);
  // A directory symlink that leads back up the tree is copied once, not forever.
  if (ancestors.has(real)) return;
  const inside = new Set([...ancestors, real]);
  await mkdir(to, { recursive: true });
  const entries = await readdir(from, { withFileTypes: true });
  await Promise.all(
    entries.map(async (entry) => {
      const source = join(from, entry.name);
      const target = join(to, entry.name);
      let path = source;
      let isDir = entry.isDirectory();
      let isFile = entry.isFile();
      if (entry.isSymbolicLink()) {
        const resolved = await realpath(source).catch(() => undefined);
        if (!resolved || !isInside(root, resolved)) return;
        const info = await stat(resolved);
        path = resolved;
        isDir = info.isDirectory();
        isFile = info.isFile();
      }
      if (isDir) await copyTree(root, path, target, inside);
      else if (isFile) await copyFile(path, target, constants.COPYFILE_FICLONE);
    }),
  );
}

export function isInside(root: string, target: string): boolean {
  const rel = relative(root, target);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
}
