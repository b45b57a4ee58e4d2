// Which tag is the latest (pure): filterTags narrows the candidates and extracts what is compared,
// then semver (a range, prereleases opt-in), alphabetical or numerical order picks one.
import semver from 'semver';
import { err, ok, type Result } from '../core/index.ts';
import type { FilterTags, ImagePolicyChoice } from '../api/index.ts';

type Candidate = { readonly tag: string; readonly value: string };

/** Go's `$name` / `${name}` (Flux's extract syntax) as a JS replacement (`$<name>`). */
function replacementOf(extract: string): string {
  return extract.replace(/\$\{(\w+)\}|\$([A-Za-z_]\w*)/g, (_m, braced?: string, bare?: string) => {
    const name = braced ?? bare ?? '';
    return /^\d+$/.test(name) ? `$${name}` : `$<${name}>`;
  });
}

/** The tags that match the filter, each with the value the policy compares. */
export function filterCandidates(
  tags: readonly string[],
  filter: FilterTags | undefined,
): Result<Candidate[], string> {
  if (!filter) return ok(tags.map((tag) => ({ tag, value: tag })));
  let pattern: RegExp;
  try {
    pattern = new RegExp(filter.pattern, 'u');
  } catch (error) {
    return err(`filterTags.pattern: ${(error as Error).message}`);
  }
  const replacement = filter.extract ? replacementOf(filter.extract) : undefined;
  const out: Candidate[] = [];
  for (const tag of tags) {
    if (!pattern.test(tag)) continue;
    out.push({ tag, value: replacement === undefined ? tag : tag.replace(pattern, replacement) });
  }
  return ok(out);
}

const byTag = (a: Candidate, b: Candidate): number => (a.tag < b.tag ? -1 : a.tag > b.tag ? 1 : 0);

function latestBySemver(
  candidates: readonly Candidate[],
  range: string,
  prereleases: boolean,
): Candidate | undefined {
  let best: { c: Candidate; v: semver.SemVer } | undefined;
  for (const c of candidates) {
    const v = semver.parse(c.value, { loose: true });
    if (!v) continue;
    if (!prereleases && v.prerelease.length > 0) continue;
    if (!semver.satisfies(v, range, { includePrerelease: prereleases, loose: true })) continue;
    const order = best ? semver.compare(v, best.v) || byTag(c, best.c) : 1;
    if (order > 0) best = { c, v };
  }
  return best?.c;
}

function pickOrdered(
  candidates: readonly Candidate[],
  compare: (a: Candidate, b: Candidate) => number,
  order: 'asc' | 'desc',
): Candidate | undefined {
  const sorted = [...candidates].sort((a, b) => compare(a, b) || byTag(a, b));
  return order === 'asc' ? sorted.at(-1) : sorted[0];
}

const NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;

/** The latest tag among `tags` by the policy, or why there is none. */
export function selectLatestTag(
  tags: readonly string[],
  policy: ImagePolicyChoice,
  filter?: FilterTags,
): Result<string, string> {
  const filtered = filterCandidates(tags, filter);
  if (!filtered.ok) return filtered;
  const candidates = filtered.value;
  let latest: Candidate | undefined;
  let what: string;
  if (policy.semver) {
    latest = latestBySemver(candidates, policy.semver.range, policy.semver.prereleases);
    what = `in semver range ${policy.semver.range}`;
  } else if (policy.numerical) {
    const numeric = candidates.filter((c) => NUMBER.test(c.value));
    latest = pickOrdered(
      numeric,
      (a, b) => Number(a.value) - Number(b.value),
      policy.numerical.order,
    );
    what = 'that is a number';
  } else {
    const order = policy.alphabetical?.order ?? 'asc';
    const compare = (a: Candidate, b: Candidate) =>
      a.value < b.value ? -1 : a.value > b.value ? 1 : 0;
    latest = pickOrdered(candidates, compare, order);
    what = 'to order';
  }
  if (latest) return ok(latest.tag);
  const filtered_ = filter ? ` matching ${filter.pattern}` : '';
  return err(`none of ${tags.length} tags${filtered_} is ${what === 'to order' ? 'left' : what}`);
}
