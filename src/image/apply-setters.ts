// Applies setter markers to the YAML files under one directory of a checked-out tree: each file
// with a change is written back, a file with a malformed marker is left alone and reported.
// Symbolic links are not followed and nothing outside the directory is read or written.
import { lstat, readdir, readFile, writeFile } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import { err, ok, type Result } from '../core/index.ts';
import { ImageErrorCodes, imageError, type ImageError } from './errors.ts';
import {
  rewriteSetters,
  type MarkerProblem,
  type PolicyLookup,
  type SetterChange,
} from './setters.ts';

export type SetterRun = {
  readonly changes: readonly SetterChange[];
  readonly problems: readonly MarkerProblem[];
  /** YAML files read. */
  readonly files: number;
};

const MAX_FILE = 4 << 20;
const MAX_FILES = 20_000;
const YAML = /\.ya?ml$/i;

async function* yamlFiles(dir: string): AsyncGenerator<string> {
  const entries = await readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : 1));
  for (const entry of entries) {
    if (entry.name.startsWith('.')) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* yamlFiles(path);
    else if (entry.isFile() && YAML.test(entry.name)) yield path;
  }
}

/** The directory `path` names inside `root`, or an error when it leaves it or is none. */
export async function updateDirOf(root: string, path: string): Promise<Result<string, ImageError>> {
  const dir = resolve(root, path);
  if (dir !== root && !dir.startsWith(root + sep))
    return err(
      imageError(
        ImageErrorCodes.NoMatch,
        { subject: path },
        'spec.update.path leaves the repository',
      ),
    );
  const info = await lstat(dir).catch(() => undefined);
  if (!info?.isDirectory())
    return err(
      imageError(
        ImageErrorCodes.NoMatch,
        { subject: path },
        'spec.update.path is no directory in the repository',
      ),
    );
  return ok(dir);
}

/** Rewrites the markers of every YAML file under `dir`; paths in the result are from `root`. */
export async function applySetters(
  root: string,
  dir: string,
  lookup: PolicyLookup,
): Promise<SetterRun> {
  const changes: SetterChange[] = [];
  const problems: MarkerProblem[] = [];
  let files = 0;
  for await (const path of yamlFiles(dir)) {
    if (++files > MAX_FILES) break;
    const size = (await lstat(path)).size;
    if (size > MAX_FILE) continue;
    const text = await readFile(path, 'utf8');
    if (!text.includes('$imagepolicy')) continue;
    const file = relative(root, path);
    const result = rewriteSetters(text, file, lookup);
    problems.push(...result.problems);
    if (result.changes.length === 0) continue;
    await writeFile(path, result.text);
    changes.push(...result.changes);
  }
  return { changes, problems, files };
}

export const DEFAULT_MESSAGE_TEMPLATE = 'Update images of {{automation}}\n\n{{changes}}\n';

/** The commit message: the template with {{automation}} and {{changes}} (one line per change). */
export function commitMessage(
  template: string | undefined,
  automation: string,
  changes: readonly SetterChange[],
): string {
  const lines = changes.map(
    (c) => `- ${c.file}:${c.line}: ${c.from} → ${c.to} (ImagePolicy ${c.policy})`,
  );
  return (template ?? DEFAULT_MESSAGE_TEMPLATE)
    .replaceAll('{{automation}}', automation)
    .replaceAll('{{changes}}', lines.join('\n'));
}
