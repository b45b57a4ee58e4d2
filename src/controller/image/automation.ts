// The ImageUpdateAutomation reconciler: check out the branch of its GitRepository, rewrite the
// setter markers under spec.update.path to the latest images of the namespace's ImagePolicies,
// commit and push (a moved branch is rebased over, bounded), record the pushed commit, and make
// the GitRepository fetch at once. Nothing is committed when no value changed; a malformed marker
// is reported with file:line and its file is left alone.
import {
  parseDuration,
  parseGitRepository,
  parseImageUpdateAutomation,
  type ImagePolicy,
  type ImageUpdateAutomation,
} from '../../api/index.ts';
import { err, jitter, ok, type KubeObject, type Result } from '../../core/index.ts';
import {
  authFromSecret,
  classifyUrl,
  type CommitSigning,
  type GitAuth,
  type GitTransport,
} from '../../git/index.ts';
import {
  applySetters,
  commitMessage,
  updateDirOf,
  type LatestImage,
  type SetterRun,
} from '../../image/index.ts';
import { writeStatus } from '../status.ts';
import {
  conditionsOf,
  handledOf,
  ImageReasons,
  readyMessageOf,
  type Readiness,
} from './conditions.ts';
import { aboutOf, keyOf, type AutomationDeps } from './deps.ts';
import { signingOf } from './signing.ts';

type Status = NonNullable<ImageUpdateAutomation['status']>;
/** What a run did (the update metric's result); undefined: it did not run (suspended, stopped). */
type Outcome = 'pushed' | 'unchanged' | 'failure' | undefined;
type Target = {
  url: string;
  auth: GitAuth;
  branch: string;
  repoNamespace: string;
  repoName: string;
  signing: CommitSigning | undefined;
};

const PUSH_ATTEMPTS = 5;
const stamp = (date: Date) => date.toISOString().replace(/\.\d{3}Z$/, 'Z');

async function write(
  obj: KubeObject,
  status: Status,
  readiness: Readiness,
  deps: AutomationDeps,
  signal: AbortSignal,
): Promise<void> {
  const now = deps.clock.now();
  const conditions = conditionsOf(status.conditions, readiness, obj.metadata.generation, now);
  const generation = obj.metadata.generation;
  const next = { ...status, ...handledOf(obj), observedGeneration: generation, conditions };
  const wrote = await writeStatus(deps.kube, obj, next, signal);
  if (wrote.error) deps.logger.warn({ err: wrote.error }, 'status not written');
  if (!readiness.ready && readyMessageOf(status.conditions) !== readiness.message)
    deps.events.record(aboutOf(obj), 'Warning', readiness.reason, readiness.message);
}

async function targetOf(
  auto: ImageUpdateAutomation,
  deps: AutomationDeps & { allowFileUrls: boolean },
  signal: AbortSignal,
): Promise<Result<Target, Readiness>> {
  const namespace = auto.metadata.namespace ?? '';
  const ref = auto.spec.sourceRef;
  const repoNamespace = ref.namespace ?? namespace;
  const subject = `GitRepository ${repoNamespace}/${ref.name}`;
  const obj = deps.getGitRepository(repoNamespace, ref.name);
  const parsed = obj ? parseGitRepository(obj) : undefined;
  if (!parsed?.ok)
    return err({
      ready: false,
      reason: ImageReasons.SourceNotFound,
      message: `${subject} not found or invalid`,
    });
  const repo = parsed.value;
  const branch = auto.spec.git.checkout?.branch ?? repo.spec.ref.branch;
  if (!branch) {
    const message = `${subject} follows no branch: set spec.git.checkout.branch`;
    return err({ ready: false, reason: ImageReasons.InvalidSpec, message, stalled: true });
  }
  const url = repo.spec.url;
  const kind = classifyUrl(url, subject, deps.allowFileUrls);
  if (!kind.ok)
    return err({ ready: false, reason: ImageReasons.InvalidSpec, message: kind.error.message });
  const auth = await authOf(repo.spec, { repoNamespace, subject, kind: kind.value }, deps, signal);
  if (!auth.ok) return auth;
  const signing = await signingOf(auto, deps, signal);
  if (!signing.ok) return signing;
  const repoName = ref.name;
  return ok({ url, auth: auth.value, branch, repoNamespace, repoName, signing: signing.value });
}

async function authOf(
  spec: { url: string; secretRef?: { name: string } | undefined },
  where: { repoNamespace: string; subject: string; kind: GitTransport },
  deps: AutomationDeps,
  signal: AbortSignal,
): Promise<Result<GitAuth, Readiness>> {
  const { repoNamespace, subject } = where;
  const secret = spec.secretRef?.name;
  const data = secret ? await deps.readSecret(repoNamespace, secret, signal) : undefined;
  if (secret && !data) {
    const message = `Secret ${repoNamespace}/${secret} not found`;
    return err({ ready: false, reason: ImageReasons.SecretInvalid, message });
  }
  const names = { source: subject, secret: `${repoNamespace}/${secret ?? ''}`, url: spec.url };
  const auth = authFromSecret(data, where.kind, names);
  if (!auth.ok)
    return err({ ready: false, reason: ImageReasons.SecretInvalid, message: auth.error.message });
  return ok(auth.value);
}

/** The edit of one run: the setters under spec.update.path; what it found is kept in `found`. */
function editorOf(auto: ImageUpdateAutomation, key: string, deps: AutomationDeps) {
  const found: { run?: SetterRun; pathError?: string } = {};
  const lookup = lookupOf(auto.metadata.namespace ?? '', deps);
  const edit = async (dir: string) => {
    const updateDir = await updateDirOf(dir, auto.spec.update.path);
    if (!updateDir.ok) {
      found.pathError = updateDir.error.message;
      return undefined;
    }
    const run = await applySetters(dir, updateDir.value, lookup);
    found.run = run;
    if (run.changes.length === 0) return undefined;
    return commitMessage(auto.spec.git.commit.messageTemplate, key, run.changes);
  };
  return { edit, found };
}

/** The latest image of each ImagePolicy of the namespace that has one. */
function lookupOf(namespace: string, deps: AutomationDeps) {
  const latest = new Map<string, LatestImage>();
  for (const obj of deps.listPolicies(namespace)) {
    const ref = (obj.status as ImagePolicy['status'] | undefined)?.latestRef;
    if (ref) latest.set(obj.metadata.name ?? '', ref);
  }
  return (ns: string, name: string) => (ns === namespace ? latest.get(name) : undefined);
}

function problemsOf(run: SetterRun | undefined): string | undefined {
  if (!run || run.problems.length === 0) return undefined;
  const shown = run.problems.slice(0, 5).map((p) => `${p.file}:${p.line}: ${p.message}`);
  const more = run.problems.length > 5 ? ` (and ${run.problems.length - 5} more)` : '';
  return `malformed setter markers, files left alone: ${shown.join('; ')}${more}`;
}

export async function reconcileImageUpdateAutomation(
  obj: KubeObject,
  deps: AutomationDeps & { allowFileUrls: boolean },
  signal: AbortSignal,
): Promise<Outcome> {
  const status = (obj.status ?? {}) as Status;
  const parsed = parseImageUpdateAutomation(obj);
  if (!parsed.ok) {
    const invalid = {
      ready: false,
      reason: ImageReasons.InvalidSpec,
      message: parsed.error.message,
      stalled: true,
    };
    await write(obj, status, invalid, deps, signal);
    return 'failure';
  }
  const auto = parsed.value;
  if (auto.spec.suspend) return undefined;
  const namespace = auto.metadata.namespace ?? '';
  const key = keyOf(namespace, auto.metadata.name);
  const intervalMs = parseDuration(auto.spec.interval);
  deps.requeue(key, jitter(intervalMs, deps.random));
  const target = await targetOf(auto, deps, signal);
  if (!target.ok) {
    await write(obj, status, target.error, deps, signal);
    return 'failure';
  }
  const { edit, found } = editorOf(auto, key, deps);
  const pushBranch = auto.spec.git.push?.branch ?? target.value.branch;
  const update = {
    checkoutBranch: target.value.branch,
    pushBranch,
    author: auto.spec.git.commit.author,
    edit,
    attempts: PUSH_ATTEMPTS,
    signing: target.value.signing,
  };
  const gitSignal = AbortSignal.any([signal, AbortSignal.timeout(120_000)]);
  const result = await deps.git.updateBranch(
    target.value.url,
    target.value.auth,
    update,
    gitSignal,
  );
  if (signal.aborted) return undefined;
  const ran: Status = { ...status, lastAutomationRunTime: stamp(deps.clock.now()) };
  if (!result.ok) {
    await write(
      obj,
      ran,
      { ready: false, reason: ImageReasons.GitOperationFailed, message: result.error.message },
      deps,
      signal,
    );
    return 'failure';
  }
  const problems = found.pathError ?? problemsOf(found.run);
  const run = found.run;
  if (!result.value.pushed) {
    const readiness = problems
      ? { ready: false, reason: ImageReasons.MalformedMarker, message: problems }
      : {
          ready: true,
          reason: ImageReasons.Succeeded,
          message: `no change: ${pushBranch} at ${result.value.head.slice(0, 12)} has the latest images`,
        };
    // A quiet run writes no status (the run time would make every interval a write).
    await write(obj, problems ? ran : status, readiness, deps, signal);
    return problems ? 'failure' : 'unchanged';
  }
  return recordPush(
    obj,
    ran,
    { target: target.value, pushBranch, commit: result.value.head, run, problems },
    deps,
    signal,
  );
}

async function recordPush(
  obj: KubeObject,
  ran: Status,
  pushed: {
    target: Target;
    pushBranch: string;
    commit: string;
    run: SetterRun | undefined;
    problems: string | undefined;
  },
  deps: AutomationDeps,
  signal: AbortSignal,
): Promise<'pushed'> {
  const { target, commit } = pushed;
  const changes = (pushed.run?.changes ?? []).map(
    (c) => `${c.file}:${c.line}: ${c.from} → ${c.to}`,
  );
  const message = `pushed commit ${commit.slice(0, 12)} to ${pushed.pushBranch}: ${changes.join(', ')}`;
  if (pushed.pushBranch === target.branch) deps.onPushed(target.repoNamespace, target.repoName);
  const status: Status = { ...ran, lastPushCommit: commit, lastPushTime: stamp(deps.clock.now()) };
  const readiness = pushed.problems
    ? {
        ready: false,
        reason: ImageReasons.MalformedMarker,
        message: `${message}; ${pushed.problems}`,
      }
    : { ready: true, reason: ImageReasons.Succeeded, message };
  await write(obj, status, readiness, deps, signal);
  const revision = `${pushed.pushBranch}@sha1:${commit}`;
  deps.events.record(aboutOf(obj), 'Normal', ImageReasons.ImageUpdated, message, {
    'moor.dev/revision': revision,
  });
  const about = { namespace: obj.metadata.namespace ?? '', name: obj.metadata.name ?? '' };
  const objects = [...new Set((pushed.run?.changes ?? []).map((c) => c.file))];
  const kind = 'ImageUpdateAutomation' as const;
  deps.announce?.({ event: 'ImageUpdated', kind, ...about, message, revision, objects });
  deps.logger.info(
    { automation: `${obj.metadata.namespace}/${obj.metadata.name}`, commit },
    'images updated',
  );
  return 'pushed';
}
