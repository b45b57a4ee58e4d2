// Follows a kustomization's bases, components, resources and plugin configs inside the root it is
// built in, checking each kustomization file on the way (remote entries, plugins), and refuses an
// entry that leads outside that root. kustomize itself keeps every file it loads inside the
// kustomization that names it (`--load-restrictor=LoadRestrictionsRootOnly`); directories
// (bases, components) are the only way out, and those are what this checks.
import { readFile, realpath, stat } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import type { Result } from '../core/index.ts';
import { err, ok } from '../core/index.ts';
import { RenderError, RenderErrorCode } from './errors.ts';
import {
  PluginFields,
  scanKustomization,
  scanPluginFile,
  type KustomizePolicy,
  type LocalReference,
} from './kustomization-scan.ts';
import { isInside } from './kustomize-root.ts';

/** File names that make a directory a kustomization, in the order kustomize looks for them. */
export const KUSTOMIZATION_FILES: readonly string[] = [
  'kustomization.yaml',
  'kustomization.yml',
  'Kustomization',
];

type Graph = {
  readonly root: string;
  readonly policy: KustomizePolicy;
  readonly signal: AbortSignal;
  /** Kustomization directories checked, each with whether it was reached as plugin configs. */
  readonly seen: Set<string>;
  /** Directories and plugin files the build reads, relative to the root. */
  readonly reads: Set<string> | undefined;
};

/**
 * Checks the kustomization in `dir` (inside `root`) and everything it refers to; `reads` gets
 * every directory and plugin file reached, relative to the root (`/`-separated).
 */
export async function checkKustomizationGraph(
  root: string,
  dir: string,
  policy: KustomizePolicy,
  signal: AbortSignal,
  reads?: Set<string>,
): Promise<Result<void, RenderError>> {
  return checkDir({ root, policy, signal, seen: new Set(), reads }, dir, false);
}

const noteRead = (graph: Graph, path: string): void => {
  graph.reads?.add(relative(graph.root, path).split(sep).join('/'));
};

async function checkDir(
  graph: Graph,
  dir: string,
  asPlugin: boolean,
): Promise<Result<void, RenderError>> {
  const key = `${asPlugin ? 'plugin' : 'resources'}:${dir}`;
  if (graph.seen.has(key)) return ok(undefined);
  graph.seen.add(key);
  noteRead(graph, dir);
  const found = await findKustomizationFile(dir);
  if (!found) return ok(undefined);
  const file = relative(graph.root, join(dir, found.name));
  const scanned = scanKustomization(found.content, file, graph.policy);
  if (!scanned.ok) return scanned;
  for (const reference of scanned.value) {
    if (graph.signal.aborted) return err(abortedError(file));
    const followed = await follow(graph, dir, file, reference, asPlugin);
    if (!followed.ok) return followed;
  }
  return ok(undefined);
}

async function follow(
  graph: Graph,
  dir: string,
  file: string,
  { field, entry }: LocalReference,
  asPlugin: boolean,
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
  if (!info) return ok(undefined);
  const plugin = asPlugin || PluginFields.includes(field);
  if (info.isDirectory()) return checkDir(graph, real, plugin);
  if (!plugin || !info.isFile()) return ok(undefined);
  noteRead(graph, real);
  const content = await readFile(real, 'utf8');
  return scanPluginFile(content, { file, field, entry });
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
