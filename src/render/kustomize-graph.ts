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
  generatorInputsOf,
  PluginFields,
  scanKustomization,
  type GeneratorUse,
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
  /** Files configMap/secret generators read (real paths), with how and by which generator. */
  readonly generatorInputs: Map<string, GeneratorInput> | undefined;
};

/** A file a generator reads: as dotenv lines or whole; `field` is the generator's kind. */
export type GeneratorInput = { readonly use: GeneratorUse; readonly field: string };

/** What a check collects on the way, relative to (`reads`) or inside (`generatorInputs`) the root. */
export type GraphFindings = {
  /** Every directory and plugin file reached, relative to the root (`/`-separated). */
  readonly reads?: Set<string> | undefined;
  /** Every file a configMap/secret generator reads (real paths), with how. */
  readonly generatorInputs?: Map<string, GeneratorInput> | undefined;
};

/** Checks the kustomization in `dir` (inside `root`) and everything it refers to. */
export async function checkKustomizationGraph(
  root: string,
  dir: string,
  policy: KustomizePolicy,
  signal: AbortSignal,
  findings: GraphFindings = {},
): Promise<Result<void, RenderError>> {
  const graph = {
    ...{ root, policy, signal, seen: new Set<string>() },
    reads: findings.reads,
    generatorInputs: findings.generatorInputs,
  };
  return checkDir(graph, dir, false);
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
  if (graph.generatorInputs && !asPlugin)
    for (const { use, field, entry } of generatorInputsOf(found.content))
      graph.generatorInputs.set(resolve(dir, entry), { use, field });
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
