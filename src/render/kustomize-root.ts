// The root a kustomization is built in: a private copy of one artifact, made for one render and
// removed after it, so kustomize never runs inside the shared artifact store. Symlinks are copied
// as what they point to when that is inside the artifact, and left out when it is not, so
// nothing in the copy leads outside it.
import { constants } from 'node:fs';
import {
  copyFile,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  realpath,
  rm,
  stat,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { isAbsolute, join, relative, sep } from 'node:path';
import type { Result } from '../core/index.ts';
import { err, ok } from '../core/index.ts';
import { parseAgeIdentity } from './age.ts';
import { RenderError, RenderErrorCode } from './errors.ts';
import type { GeneratorInput } from './kustomize-graph.ts';
import { formatBytes, RenderLimits } from './limits.ts';
import { placeholderKey, sealGeneratorInput, type SealedInputs } from './sops-generators.ts';
import { sopsMacsOf } from './sops.ts';
import type { ManifestFile } from './types.ts';

const MANIFEST_EXTENSIONS: readonly string[] = ['.yaml', '.yml', '.json'];

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

/**
 * Replaces, in the copy at `root`, each SOPS-encrypted file a generator reads by the placeholders
 * that stand for its plaintext (sops-generators.ts), noting them in `sealed`; a file sealed
 * before is plain text now and left as it is. Identities as `AGE-SECRET-KEY-1…` text;
 * undefined: the Sync sets no decryption, and such a file is an error.
 */
export async function sealCopyInputs(
  root: string,
  inputs: ReadonlyMap<string, GeneratorInput>,
  identities: readonly string[] | undefined,
  sealed: SealedInputs,
): Promise<Result<void, RenderError>> {
  const key = placeholderKey(identities);
  const parsed = identities?.flatMap((t) => parseAgeIdentity(t) ?? []);
  for (const [full, input] of inputs) {
    const path = relative(root, full);
    const info = await stat(full).catch(() => undefined);
    // Missing or not a file: kustomize reports it.
    if (!info?.isFile() || !isInside(root, full)) continue;
    if (info.size > RenderLimits.fileBytes) {
      const message = `${path}: file is ${info.size} bytes, more than the ${formatBytes(RenderLimits.fileBytes)} a generator input may be`;
      return err(new RenderError(RenderErrorCode.tooLarge, message, { file: path }));
    }
    const content = await readFile(full, 'utf8');
    const text = sealGeneratorInput({ path, content, input }, parsed, { key, sealed });
    if (!text.ok) return text;
    if (text.value !== undefined) await writeFile(full, text.value, { mode: 0o600 });
  }
  return ok(undefined);
}

/** A kustomize build's output, with the SOPS files under `root` its documents came from. */
export async function withSopsSources(
  root: string,
  path: string,
  content: string,
): Promise<ManifestFile> {
  const sopsSources = await findSopsSources(root, sopsMacsOf(content));
  return sopsSources.length > 0 ? { path, content, sopsSources } : { path, content };
}

/**
 * The manifest files under `root` holding one of `macs` (the files `sops` wrote that a kustomize
 * build's encrypted documents came from: kustomize rewrites them, so their MACs are verified on
 * these), read within the render's size limits; paths relative to `root`. Ciphertext only.
 */
export async function findSopsSources(
  root: string,
  macs: ReadonlySet<string>,
): Promise<ManifestFile[]> {
  if (macs.size === 0) return [];
  const entries = await readdir(root, { withFileTypes: true, recursive: true });
  const found: ManifestFile[] = [];
  let budget = RenderLimits.totalBytes;
  for (const entry of entries) {
    if (!entry.isFile() || !MANIFEST_EXTENSIONS.some((e) => entry.name.endsWith(e))) continue;
    const full = join(entry.parentPath, entry.name);
    const path = relative(root, full);
    if (path.split('/').includes('.git')) continue;
    const size = (await stat(full)).size;
    if (size > RenderLimits.fileBytes || size > budget) continue;
    budget -= size;
    const content = await readFile(full, 'utf8');
    if ([...sopsMacsOf(content)].some((m) => macs.has(m))) found.push({ path, content });
  }
  return found;
}
