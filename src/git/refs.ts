import semver from 'semver';
import { err, ok, type Result } from '../core/index.ts';
import { GitErrorCode, gitFailure, type GitError } from './errors.ts';
import type { RemoteRef } from './types.ts';

const PEELED = '^{}';
const HEADS = 'refs/heads/';
const TAGS = 'refs/tags/';
const FULL_SHA = /^[0-9a-f]{40}$/;

/** `true` for a full 40-hex SHA-1. */
export function isFullSha(text: string): boolean {
  return FULL_SHA.test(text);
}

/**
 * Parses `git ls-remote` output (`<sha>\t<ref>` lines). Annotated tags appear twice, the second
 * time peeled (`refs/tags/v1^{}`); the peeled commit wins so every ref maps to a commit.
 */
export function parseLsRemote(output: string): RemoteRef[] {
  const byName = new Map<string, string>();
  const peeled = new Map<string, string>();
  for (const line of output.split('\n')) {
    const tab = line.indexOf('\t');
    if (tab < 0) continue;
    const sha = line.slice(0, tab).trim();
    const name = line.slice(tab + 1).trim();
    if (name.endsWith(PEELED)) peeled.set(name.slice(0, -PEELED.length), sha);
    else byName.set(name, sha);
  }
  return [...byName].map(([name, sha]) => ({ name, sha: peeled.get(name) ?? sha }));
}

/** Exactly one of these (DESIGN.md `GitRepository.spec.ref`). */
export type RefSpec = {
  readonly branch?: string | undefined;
  readonly tag?: string | undefined;
  readonly semver?: string | undefined;
  readonly commit?: string | undefined;
};

export type ResolvedRef = {
  /** Short name for revisions (`main`, `v1.2.0`); empty for a commit spec. */
  readonly name: string;
  /** Full ref name to fetch (`refs/heads/main`), or the sha for a commit spec. */
  readonly ref: string;
  readonly sha: string;
};

function describeSpec(spec: RefSpec): string {
  const parts = (['branch', 'tag', 'semver', 'commit'] as const)
    .filter((key) => spec[key] !== undefined)
    .map((key) => `${key} ${spec[key]}`);
  return parts.join(', ') || 'no ref';
}

function findRef(refs: readonly RemoteRef[], full: string, short: string): ResolvedRef | undefined {
  const found = refs.find((r) => r.name === full);
  return found && { name: short, ref: full, sha: found.sha };
}

function pickSemver(refs: readonly RemoteRef[], range: string): ResolvedRef | undefined {
  const byVersion = new Map<string, RemoteRef>();
  for (const r of [...refs].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    if (!r.name.startsWith(TAGS)) continue;
    const version = semver.valid(r.name.slice(TAGS.length));
    if (version !== null && !byVersion.has(version)) byVersion.set(version, r);
  }
  const best = semver.maxSatisfying([...byVersion.keys()], range);
  const chosen = best === null ? undefined : byVersion.get(best);
  return chosen && { name: chosen.name.slice(TAGS.length), ref: chosen.name, sha: chosen.sha };
}

/** Picks the commit a `spec.ref` names among a remote's refs. */
export function resolveRef(
  refs: readonly RemoteRef[],
  spec: RefSpec,
  url = '',
): Result<ResolvedRef, GitError> {
  const described = describeSpec(spec);
  const context = { op: 'resolve', url, ref: described };
  const given = [spec.branch, spec.tag, spec.semver, spec.commit].filter((v) => v !== undefined);
  if (given.length !== 1) {
    const detail = 'exactly one of branch, tag, semver, commit is required';
    return err(gitFailure(GitErrorCode.InvalidRef, context, { detail }));
  }
  if (spec.commit !== undefined) {
    const sha = spec.commit.toLowerCase();
    return isFullSha(sha)
      ? ok({ name: '', ref: sha, sha })
      : err(
          gitFailure(GitErrorCode.InvalidRef, context, {
            detail: 'a commit must be a full 40-hex SHA-1',
          }),
        );
  }
  if (spec.semver !== undefined && semver.validRange(spec.semver) === null) {
    return err(gitFailure(GitErrorCode.InvalidRef, context, { detail: 'not a semver range' }));
  }
  const resolved =
    spec.branch !== undefined
      ? findRef(refs, HEADS + spec.branch, spec.branch)
      : spec.tag !== undefined
        ? findRef(refs, TAGS + spec.tag, spec.tag)
        : pickSemver(refs, spec.semver ?? '');
  return resolved
    ? ok(resolved)
    : err(
        gitFailure(GitErrorCode.RefNotFound, context, { detail: 'no matching ref in the remote' }),
      );
}

/** A branch or tag name git accepts (check-ref-format, simplified): no refspec syntax in it. */
export function isValidRefName(name: string): boolean {
  return (
    name.length > 0 &&
    !/[\s\p{Cc}:?*[\\^~]|\.\.|@\{|\/\/|^[-/.]|[/.]$|\.lock$|\/\./u.test(name) &&
    name !== '@'
  );
}

/** What to fetch for a spec, known without listing the remote; the sha only for a commit spec. */
export type NamedRef = { readonly name: string; readonly ref: string; readonly sha?: string };

/**
 * The ref a branch, tag or commit spec names, so it can be fetched by name at once; undefined for
 * a semver spec, which needs the remote's list of tags (resolveRef).
 */
export function refWithoutListing(spec: RefSpec, url = ''): Result<NamedRef, GitError> | undefined {
  const checked = resolveRef([], spec, url);
  if (checked.ok) return checked;
  if (checked.error.code === GitErrorCode.InvalidRef) return checked;
  const [kind, name, prefix] =
    spec.branch !== undefined ? ['branch', spec.branch, HEADS] : ['tag', spec.tag, TAGS];
  if (name === undefined) return undefined;
  if (!isValidRefName(name)) {
    const context = { op: 'resolve', url, ref: `${kind} ${name}` };
    return err(
      gitFailure(GitErrorCode.InvalidRef, context, { detail: `not a valid ${kind} name` }),
    );
  }
  return ok({ name, ref: prefix + name });
}

const SHA1 = 'sha1:';

/** DESIGN.md's revision form: `<ref>@sha1:<full sha>`, or `sha1:<sha>` when there is no ref name. */
export function formatRevision(refName: string, sha: string): string {
  return refName ? `${refName}@${SHA1}${sha}` : `${SHA1}${sha}`;
}

/** Inverse of formatRevision; undefined when `revision` is not in that form. */
export function parseRevision(revision: string): { name: string; sha: string } | undefined {
  const at = revision.lastIndexOf(`@${SHA1}`);
  const name = at < 0 ? '' : revision.slice(0, at);
  const rest = at < 0 ? revision : revision.slice(at + 1);
  if (!rest.startsWith(SHA1)) return undefined;
  const sha = rest.slice(SHA1.length);
  return isFullSha(sha) ? { name, sha } : undefined;
}
