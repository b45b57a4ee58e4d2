// Commit → artifact, the source step alone: `fetchArtifact` (what a GitRepository reconcile runs)
// in-process against repositories served over smart HTTP on loopback, no API server. For each
// size: the first fetch (cold), then commits that each change one file, each timed from after the
// commit until the artifact is stored, and the git programs started per revision.
import { mkdtemp } from 'node:fs/promises';
import { join } from 'node:path';
import pino, { type Logger } from 'pino';
import { createGitClient } from '../../src/git/index.ts';
import { createArtifactStore, fetchArtifact, type StoredArtifact } from '../../src/source/index.ts';
import { createTestRepo, startHttpGitServer } from '../../test/helpers/git-server.ts';
import type { LocalContext } from '../lib/context.ts';
import { benchConfigMap } from '../lib/repo.ts';
import { latencyMs, median, round } from '../lib/stats.ts';

const FETCH_TIMEOUT_MS = 120_000;
const pad = (n: number): string => String(n).padStart(4, '0');

type Shape = {
  readonly key: string;
  /** `dirs` directories of `perDir` ConfigMap files each. */
  readonly dirs: number;
  readonly perDir: number;
};

/** A small repository, 100 apps of 4 files, and 3,000 files. */
const SHAPES: readonly Shape[] = [
  { key: 'small', dirs: 1, perDir: 5 },
  { key: 'apps100', dirs: 100, perDir: 4 },
  { key: 'files3000', dirs: 30, perDir: 100 },
];

const pathOf = (dir: number, file: number): string => `app-${pad(dir)}/cm-${pad(file)}.yaml`;
const nameOf = (dir: number, file: number): string => `cm-${pad(dir)}-${pad(file)}`;

function filesOf(shape: Shape): Record<string, string> {
  const files: Record<string, string> = {};
  for (let d = 0; d < shape.dirs; d++)
    for (let f = 0; f < shape.perDir; f++) files[pathOf(d, f)] = benchConfigMap(nameOf(d, f));
  return files;
}

/** Counts the git programs the client starts (its debug line per run). */
function countingLogger(): { logger: Logger; runs: () => number } {
  let runs = 0;
  const logger = pino(
    { level: 'debug' },
    {
      write(line: string) {
        if (line.includes('"msg":"git run"')) runs++;
      },
    },
  );
  return { logger, runs: () => runs };
}

async function measureShape(ctx: LocalContext, shape: Shape, commits: number) {
  const files = filesOf(shape);
  await using repo = await createTestRepo({ name: shape.key, files });
  await using server = await startHttpGitServer(repo);
  const counter = countingLogger();
  const git = createGitClient({
    env: process.env,
    timeoutMs: FETCH_TIMEOUT_MS,
    logger: counter.logger,
  });
  const store = createArtifactStore(await mkdtemp(join(ctx.workDir, `git-${shape.key}-`)));
  const spec = {
    url: server.url,
    ref: { branch: 'main' },
    interval: '1h',
    timeout: '60s',
    suspend: false,
  };
  let current: StoredArtifact | undefined;
  const fetchOnce = async (): Promise<number> => {
    const started = performance.now();
    const fetched = await fetchArtifact(
      { namespace: 'bench', name: shape.key, spec, current },
      {
        git,
        store,
        allowFileUrls: false,
        readSecret: () => Promise.resolve(undefined),
        signal: AbortSignal.any([ctx.signal, AbortSignal.timeout(FETCH_TIMEOUT_MS)]),
      },
    );
    const took = performance.now() - started;
    if (!fetched.ok) throw fetched.error;
    const keep = new Set([fetched.value.artifact.digest, ...(current ? [current.digest] : [])]);
    await store.collectGarbage('bench', shape.key, keep);
    current = fetched.value.artifact;
    return took;
  };
  const coldMs = await fetchOnce();
  const samples: number[] = [];
  const runs: number[] = [];
  for (let i = 1; i <= commits; i++) {
    const d = i % shape.dirs;
    const f = i % shape.perDir;
    await repo.commit({ [pathOf(d, f)]: benchConfigMap(nameOf(d, f), i) }, `change ${i}`);
    const before = counter.runs();
    samples.push(await fetchOnce());
    runs.push(counter.runs() - before);
  }
  return {
    files: Object.keys(files).length,
    coldMs: round(coldMs),
    ...latencyMs(samples),
    gitRunsPerRevision: median(runs),
  };
}

export async function runGitSource(ctx: LocalContext): Promise<Record<string, unknown>> {
  const commits = ctx.sizes.gitCommits;
  const bySize: Record<string, unknown> = {};
  for (const shape of SHAPES) {
    const measured = await measureShape(ctx, shape, commits);
    ctx.log(`  ${shape.key}: ${JSON.stringify(measured)}`);
    bySize[shape.key] = measured;
  }
  return { commitToArtifact: { commits, ...bySize } };
}
