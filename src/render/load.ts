import type { Dirent } from 'node:fs';
import { readFile, readdir, realpath, stat } from 'node:fs/promises';
import pLimit from 'p-limit';
import { isAbsolute, join, normalize, relative, sep } from 'node:path';
import type { Result } from '../core/index.ts';
import { err, ok } from '../core/index.ts';
import { RenderError, RenderErrorCode, abortedError, readFailure } from './errors.ts';
import { buildKustomization, type KustomizeSettings } from './kustomize.ts';
import {
  checkKustomizationGraph,
  KUSTOMIZATION_FILES,
  type GeneratorInput,
} from './kustomize-graph.ts';
import {
  copyArtifact,
  sealCopyInputs,
  withSopsSources,
  type PrivateRoot,
} from './kustomize-root.ts';
import { formatBytes, RenderLimits } from './limits.ts';
import { noSealedInputs, unsealOutput, type SealedInputs } from './sops-generators.ts';
import { compareText } from './parse.ts';
import { fileMemoRound, identityOf, type FileMemo, type FileMemoRound } from './file-memo.ts';
import { decodeManifest } from './text.ts';
import type { ManifestFile } from './types.ts';

const MANIFEST_EXTENSIONS: readonly string[] = ['.yaml', '.yml', '.json'];

export type LoadOptions = {
  /** How kustomizations are built; without a program a kustomization is an error. */
  readonly kustomize?: KustomizeSettings | undefined;
  /**
   * Filled with what the load read, as paths relative to the artifact root (`/`-separated, ''
   * for the root): directories stand for everything under them. A commit that changes no file
   * at or under one of them renders the same objects, unless OUTSIDE_ARTIFACT is among them.
   */
  readonly reads?: Set<string> | undefined;
  /**
   * age identities (`AGE-SECRET-KEY-1…`) for SOPS files a kustomization's generators read;
   * undefined: the Sync decrypts nothing, and such a file is an error.
   */
  readonly identities?: readonly string[] | undefined;
  /** The files the Sync's last load read, kept across loads (see file-memo.ts). */
  readonly files?: FileMemo | undefined;
};

/** A read (see LoadOptions.reads) standing for content outside the artifact (remote bases). */
export const OUTSIDE_ARTIFACT = '//outside-the-artifact';

type Walk = {
  readonly root: string;
  readonly signal: AbortSignal;
  readonly options: LoadOptions;
  /** Real paths of directories already walked: a symlink loop is walked once. */
  readonly visited: Set<string>;
  readonly files: ManifestFile[];
  /** Regular files to read once the walk is done, in parallel. */
  readonly pending: {
    readonly path: string;
    readonly full: string;
    readonly id: string | undefined;
  }[];
  readonly memo: FileMemoRound;
  /** Bytes of the manifests found so far (file sizes, kustomize output). */
  bytes: number;
  /** The private copy of the artifact kustomizations are built in, made at the first one. */
  copy?: Promise<PrivateRoot>;
  /** The placeholders of SOPS generator inputs sealed in the copy. */
  readonly sealed: SealedInputs;
};

/**
 * Reads the manifests under `artifactDir/path`: every `*.yaml`, `*.yml` and `*.json` file,
 * recursively, skipping entries whose name starts with a dot (`.git`, `.github`, `.sops.yaml`).
 * A directory holding a kustomization (`kustomization.yaml`, `kustomization.yml`,
 * `Kustomization`) is built with `kustomize build` instead, in a private copy of the artifact,
 * after its references are checked (nothing outside the artifact, no remote entries unless
 * allowed, no plugins); its output stands for the directory as one file named after the
 * kustomization file (lines in it then count in kustomize's output). Paths are relative to the
 * artifact root and the result is sorted by path. A `path` outside the artifact, or a symlink
 * resolving outside it, is refused.
 */
export async function loadManifestFiles(
  artifactDir: string,
  path: string,
  signal: AbortSignal,
  options: LoadOptions = {},
): Promise<Result<ManifestFile[], RenderError>> {
  const relPath = checkArtifactPath(path);
  if (!relPath.ok) return relPath;
  let walk: Walk | undefined;
  try {
    const root = await realpath(artifactDir);
    const start = await resolveStart(root, relPath.value);
    if (!start.ok) return start;
    noteRead(options, root, join(root, relPath.value));
    noteRead(options, root, start.value);
    walk = {
      ...{ root, signal, options, visited: new Set(), files: [], pending: [], bytes: 0 },
      sealed: noSealedInputs(),
      memo: fileMemoRound(options.files),
    };
    const walked = await walkDir(walk, start.value, relPath.value);
    if (!walked.ok) return walked;
    const limit = pLimit(32);
    const read = await Promise.all(
      walk.pending.map((f) => limit(async () => decodeManifest(f.path, await readFile(f.full)))),
    );
    for (const [i, text] of read.entries()) {
      if (!text.ok) return text;
      const { path = '', id } = walk.pending[i] ?? {};
      walk.memo.keep(path, id, text.value);
      walk.files.push({ path, content: text.value });
    }
    walk.memo.finish();
    return ok(walk.files.sort((a, b) => compareText(a.path, b.path)));
  } catch (cause) {
    return err(readFailure(cause, relPath.value || '.'));
  } finally {
    const copy = await walk?.copy?.catch(() => undefined);
    await copy?.remove();
  }
}

/** `spec.path` relative to the artifact, normalized ('' for the root), unless it escapes. */
export function checkArtifactPath(path: string): Result<string, RenderError> {
  const cleaned = normalize(path === '' ? '.' : path);
  const escapes =
    isAbsolute(path) || cleaned === '..' || cleaned.startsWith(`..${sep}`) || path.includes('\0');
  if (escapes) {
    return err(
      new RenderError(RenderErrorCode.pathEscapes, `path ${path} is outside the artifact`, {
        file: path,
      }),
    );
  }
  const rel = cleaned === '.' ? '' : cleaned.replace(/\/+$/, '');
  return ok(rel);
}

async function resolveStart(root: string, rel: string): Promise<Result<string, RenderError>> {
  const display = rel || '.';
  let real: string;
  try {
    real = await realpath(join(root, rel));
  } catch {
    return err(
      new RenderError(
        RenderErrorCode.pathNotFound,
        `path ${display} does not exist in the artifact`,
        {
          file: display,
        },
      ),
    );
  }
  if (!isInside(root, real)) {
    return err(
      new RenderError(
        RenderErrorCode.symlinkEscapes,
        `path ${display} resolves outside the artifact (through a symlink)`,
        { file: display },
      ),
    );
  }
  if (!(await stat(real)).isDirectory()) {
    return err(
      new RenderError(RenderErrorCode.pathNotFound, `path ${display} is not a directory`, {
        file: display,
      }),
    );
  }
  return ok(real);
}

async function walkDir(walk: Walk, dir: string, rel: string): Promise<Result<void, RenderError>> {
  if (walk.signal.aborted) return err(abortedError(rel));
  const realDir = await realpath(dir);
  if (walk.visited.has(realDir)) return ok(undefined);
  walk.visited.add(realDir);
  const entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) =>
    compareText(a.name, b.name),
  );
  const kustomization = entries.find((e) => KUSTOMIZATION_FILES.includes(e.name));
  if (kustomization) return buildDir(walk, dir, rel, kustomization.name);
  for (const entry of entries) {
    if (entry.name.startsWith('.')) continue;
    const visited = await visitEntry(walk, entry, join(rel, entry.name));
    if (!visited.ok) return visited;
  }
  return ok(undefined);
}

async function visitEntry(
  walk: Walk,
  entry: Dirent,
  rel: string,
): Promise<Result<void, RenderError>> {
  const full = join(entry.parentPath, entry.name);
  let isDir = entry.isDirectory();
  if (entry.isSymbolicLink()) {
    const target = await resolveLink(walk.root, full, rel);
    if (!target.ok) return target;
    noteRead(walk.options, walk.root, target.value);
    isDir = (await stat(target.value)).isDirectory();
  }
  if (isDir) return walkDir(walk, full, rel);
  if (!isManifest(entry.name)) return ok(undefined);
  // The size is checked before anything is read: a 10 GB file costs one stat.
  const info = await stat(full, { bigint: true });
  if (!info.isFile()) return ok(undefined);
  const counted = countBytes(walk, rel, Number(info.size));
  if (!counted.ok) return counted;
  const id = identityOf(info);
  const known = walk.memo.recall(rel, id);
  if (known === undefined) walk.pending.push({ path: rel, full, id });
  else walk.files.push({ path: rel, content: known });
  return counted;
}

/** Adds a manifest's size to the walk's, unless the file or the total gets too large. */
function countBytes(walk: Walk, rel: string, size: number): Result<void, RenderError> {
  if (size > RenderLimits.fileBytes) {
    return err(
      tooLarge(
        rel,
        `${rel}: file is ${size} bytes, more than the ${formatBytes(RenderLimits.fileBytes)} a manifest may be`,
      ),
    );
  }
  walk.bytes += size;
  if (walk.bytes > RenderLimits.totalBytes) {
    return err(
      tooLarge(
        rel,
        `${rel}: the manifests read up to this file exceed the ${formatBytes(RenderLimits.totalBytes)} one Sync may render`,
      ),
    );
  }
  return ok(undefined);
}

function tooLarge(rel: string, message: string): RenderError {
  return new RenderError(RenderErrorCode.tooLarge, message, { file: rel });
}

async function resolveLink(
  root: string,
  link: string,
  rel: string,
): Promise<Result<string, RenderError>> {
  let target: string;
  try {
    target = await realpath(link);
  } catch {
    return err(
      new RenderError(RenderErrorCode.readFailed, `symlink ${rel} points to nothing`, {
        file: rel,
      }),
    );
  }
  if (!isInside(root, target)) {
    return err(
      new RenderError(
        RenderErrorCode.symlinkEscapes,
        `symlink ${rel} resolves outside the artifact`,
        { file: rel },
      ),
    );
  }
  return ok(target);
}

/** A kustomization found with no kustomize program to build it. */
function kustomizeUnavailable(
  kustomizationRel: string,
  lookedFor: string | undefined,
): RenderError {
  const looked = lookedFor ? ` (looked for ${lookedFor})` : '';
  return new RenderError(
    RenderErrorCode.kustomizeUnavailable,
    `${kustomizationRel}: found a kustomization but no kustomize program to build it${looked}`,
    { file: kustomizationRel },
  );
}

async function buildDir(
  walk: Walk,
  dir: string,
  rel: string,
  kustomizationName: string,
): Promise<Result<void, RenderError>> {
  const kustomizationRel = join(rel, kustomizationName);
  const escaping = await findEscapingLink(walk, dir, rel);
  if (!escaping.ok) return escaping;
  const settings = walk.options.kustomize;
  if (!settings?.path) return err(kustomizeUnavailable(kustomizationRel, settings?.lookedFor));
  walk.copy ??= copyArtifact(walk.root, settings.scratchDir);
  const copy = await walk.copy;
  const copiedDir = join(copy.dir, relative(walk.root, await realpath(dir)));
  const policy = { allowRemote: settings.allowRemote ?? false };
  const prepared = await prepareCopy(walk, copy.dir, copiedDir, policy);
  if (!prepared.ok) return prepared;
  const built = await buildKustomization(copiedDir, kustomizationRel, {
    kustomizePath: settings.path,
    signal: walk.signal,
    artifactDir: copy.dir,
    ...(settings.timeoutMs === undefined ? {} : { timeoutMs: settings.timeoutMs }),
  });
  if (!built.ok) return built;
  const output = unsealOutput(built.value, walk.sealed, kustomizationRel);
  if (!output.ok) return output;
  const counted = countBytes(walk, kustomizationRel, Buffer.byteLength(output.value));
  if (!counted.ok) return counted;
  walk.files.push(await withSopsSources(copy.dir, kustomizationRel, output.value));
  return ok(undefined);
}

/**
 * Checks the kustomization in `copiedDir` and what it refers to, notes what it reads, and seals
 * the SOPS files its generators read (sops-generators.ts).
 */
async function prepareCopy(
  walk: Walk,
  root: string,
  copiedDir: string,
  policy: { readonly allowRemote: boolean },
): Promise<Result<void, RenderError>> {
  const reads = walk.options.reads ? new Set<string>() : undefined;
  const generatorInputs = new Map<string, GeneratorInput>();
  const findings = { reads, generatorInputs };
  const checked = await checkKustomizationGraph(root, copiedDir, policy, walk.signal, findings);
  if (!checked.ok) return checked;
  const sealed = await sealCopyInputs(root, generatorInputs, walk.options.identities, walk.sealed);
  if (!sealed.ok) return sealed;
  if (reads) await noteKustomizeReads(walk, reads);
  // Remote bases may change with no commit: what the build read is not all in the artifact.
  if (policy.allowRemote) walk.options.reads?.add(OUTSIDE_ARTIFACT);
  return ok(undefined);
}

/** Refuses a kustomization whose tree holds a symlink resolving outside the artifact. */
async function findEscapingLink(
  walk: Walk,
  dir: string,
  rel: string,
): Promise<Result<void, RenderError>> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  for (const entry of entries) {
    if (!entry.isSymbolicLink()) continue;
    const full = join(entry.parentPath, entry.name);
    const linked = await resolveLink(walk.root, full, join(rel, relative(dir, full)));
    if (!linked.ok) return linked;
  }
  return ok(undefined);
}

/**
 * What a kustomize build read, in the artifact: the copy it ran in holds symlinks as what they
 * point to, so each directory it reached counts with the targets of the symlinks under it.
 */
async function noteKustomizeReads(walk: Walk, reads: ReadonlySet<string>): Promise<void> {
  const scanned = new Set<string>();
  const scan = async (full: string): Promise<void> => {
    const real = await realpath(full).catch(() => undefined);
    if (real === undefined || !isInside(walk.root, real)) return;
    noteRead(walk.options, walk.root, full);
    noteRead(walk.options, walk.root, real);
    if (scanned.has(real) || !(await stat(real)).isDirectory()) return;
    scanned.add(real);
    const entries = await readdir(real, { withFileTypes: true, recursive: true });
    for (const entry of entries)
      if (entry.isSymbolicLink()) await scan(join(entry.parentPath, entry.name));
  };
  for (const read of reads) await scan(join(walk.root, read));
}

/** Records `full` (inside `root`) as read, relative to the root. */
function noteRead(options: LoadOptions, root: string, full: string): void {
  options.reads?.add(relative(root, full).split(sep).join('/'));
}

function isManifest(name: string): boolean {
  const lower = name.toLowerCase();
  return MANIFEST_EXTENSIONS.some((ext) => lower.endsWith(ext));
}

function isInside(root: string, target: string): boolean {
  const rel = relative(root, target);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
}
