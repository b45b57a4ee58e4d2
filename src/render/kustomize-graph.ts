// Follows a kustomization's bases, components and resources inside the root it is built in, and
// refuses an entry that leads outside that root. kustomize itself keeps every file it loads inside
// the kustomization that names it (`--load-restrictor=LoadRestrictionsRootOnly`); directories
// (bases, components) are the only way out, and those are what this checks.
import { readFile, realpath, stat } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve } from 'node:path';
import type { Result } from '../core/index.ts';
import { err, ok } from '../core/index.ts';
import { RenderError, RenderErrorCode } from './errors.ts';
import { scanKustomization, type LocalReference } from './kustomization-scan.ts';
import { isInside } from './kustomize-root.ts';

/** File names that make a directory a kustomization, in the order kustomize looks for them. */
export const KUSTOMIZATION_FILES: readonly string[] = [
  'kustomization.yaml',
  'kustomization.yml',
  'Kustomization',
];

type Graph = {
  readonly root: string;
  readonly signal: AbortSignal;
  /** Kustomization directories checked. */
  readonly seen: Set<string>;
};

/** Checks the kustomization in `dir` (inside `root`) and everything it refers to. */
export async function checkKustomizationGraph(
  root: string,
  dir: string,
  signal: AbortSignal,
): Promise<Result<void, RenderError>> {
  return checkDir({ root, signal, seen: new Set() }, dir);
}

async function checkDir(graph: Graph, dir: string): Promise<Result<void, RenderError>> {
  if (graph.seen.has(dir)) return ok(undefined);
  graph.seen.add(dir);
  const found = await findKustomizationFile(dir);
  if (!found) return ok(undefined);
  const file = relative(graph.root, join(dir, found.name));
  for (const reference of scanKustomization(found.content)) {
    if (graph.signal.aborted) return err(abortedError(file));
    const followed = await follow(graph, dir, file, reference);
    if (!followed.ok) return followed;
  }
  return ok(undefined);
}

async function follow(
  graph: Graph,
  dir: string,
  file: string,
  { field, entry }: LocalReference,
): Promise<Result<void, RenderError>> {
  const target = resolve(dir, entry);
  const real = isAbsolute(entry) ? undefined : await realpath(target).catch(() => target);
  if (real === undefined || !isInside(graph.root, real)) {
    return err(
      new RenderError(
        RenderErrorCode.referenceEscapes,
        `${file}: ${field} entry ${entry} is outside the artifact`,
        { file, entry },
      ),
    );
  }
  const info = await stat(real).catch(() => undefined);
  // Missing: kustomize reports it with its own message.
  return info?.isDirectory() ? checkDir(graph, real) : ok(undefined);
}

async function findKustomizationFile(
  dir: string,
): Promise<{ readonly name: string; readonly content: string } | undefined> {
  for (const name of KUSTOMIZATION_FILES) {
    const content = await readFile(join(dir, name), 'utf8').catch(() => undefined);
    if (content !== undefined) return { name, content };
  }
  return undefined;
}

function abortedError(file: string): RenderError {
  return new RenderError(RenderErrorCode.aborted, `${file}: kustomize build aborted`, { file });
}
