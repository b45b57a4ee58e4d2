/**
 * Immutable artifacts on local disk: `<root>/<namespace>/<name>/<digest>/`, one directory per
 * digest. An artifact is written once (by rename, so readers never see half a tree), kept while
 * referenced and removed by collectGarbage afterwards. Beside them, `.mirror.git` is the source's
 * persistent Git mirror: it stays while any artifact of the source is kept.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { digestTree } from './digest.ts';

export type ArtifactStore = {
  readonly root: string;
  /** A fresh empty directory to fetch into, inside the store's file system. */
  scratchDir(namespace: string, name: string): Promise<string>;
  /** The source's persistent Git mirror (it may not exist yet). */
  mirrorDir(namespace: string, name: string): string;
  /**
   * Moves a fetched tree into place under its digest (given, or the content digest of the tree);
   * returns the digest and final directory. An artifact already there is kept as it is.
   */
  commit(
    namespace: string,
    name: string,
    scratch: string,
    digest?: string,
  ): Promise<{ digest: string; dir: string }>;
  /** The directory of an artifact, or undefined when it is not on disk. */
  find(namespace: string, name: string, digest: string): Promise<string | undefined>;
  /**
   * Removes every artifact of the source but the kept digests; returns how many went. With no
   * digest kept (the source is gone) its mirror goes too.
   */
  collectGarbage(namespace: string, name: string, keep: ReadonlySet<string>): Promise<number>;
};

const dirName = (digest: string): string => digest.replace(':', '-');
const MIRROR = '.mirror.git';

export function createArtifactStore(root: string): ArtifactStore {
  const sourceDir = (namespace: string, name: string): string => join(root, namespace, name);
  return {
    root,
    async scratchDir(namespace, name) {
      const dir = join(sourceDir(namespace, name), `.tmp-${randomBytes(6).toString('hex')}`);
      await mkdir(dir, { recursive: true });
      return dir;
    },
    mirrorDir(namespace, name) {
      return join(sourceDir(namespace, name), MIRROR);
    },
    async commit(namespace, name, scratch, given) {
      await rm(join(scratch, '.git'), { recursive: true, force: true });
      const digest = given ?? (await digestTree(scratch));
      const dir = join(sourceDir(namespace, name), dirName(digest));
      const exists = await stat(dir).then(
        () => true,
        () => false,
      );
      if (exists) await rm(scratch, { recursive: true, force: true });
      else await rename(scratch, dir);
      return { digest, dir };
    },
    async find(namespace, name, digest) {
      const dir = join(sourceDir(namespace, name), dirName(digest));
      return stat(dir).then(
        (s) => (s.isDirectory() ? dir : undefined),
        () => undefined,
      );
    },
    async collectGarbage(namespace, name, keep) {
      const keepDirs = new Set([...keep].map(dirName));
      if (keepDirs.size > 0) keepDirs.add(MIRROR);
      let entries: string[];
      try {
        entries = await readdir(sourceDir(namespace, name));
      } catch {
        return 0;
      }
      const doomed = entries.filter((e) => !keepDirs.has(e));
      await Promise.all(
        doomed.map((e) =>
          rm(join(sourceDir(namespace, name), e), { recursive: true, force: true }),
        ),
      );
      return doomed.length;
    },
  };
}
