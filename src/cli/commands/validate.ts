// Checks of objects built from flags, reported in terms of the flags the user typed.
import type { ApiValidationError, Result } from '../parts.ts';
import { checkArtifactPath, parseGitUrl } from '../parts-api.ts';
import { CliError, formatSubject, type Subject } from '../errors.ts';

const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** Field path → the flag that sets it; the longest matching prefix wins. */
export type FlagMap = Readonly<Record<string, string>>;

function flagFor(path: string, flags: FlagMap): string {
  let best = '';
  for (const prefix of Object.keys(flags)) {
    const matches =
      path === prefix || path.startsWith(`${prefix}.`) || path.startsWith(`${prefix}[`);
    if (matches && prefix.length > best.length) best = prefix;
  }
  return best ? (flags[best] ?? path) : path;
}

/** The parsed value, or a CliError naming the object and each offending flag. */
export function requireValid<T>(res: Result<T, ApiValidationError>, flags: FlagMap): T {
  if (res.ok) return res.value;
  const { kind, namespace, name, issues } = res.error.data;
  const subject = formatSubject({ kind, namespace, name });
  const details = issues.map((i) => `${flagFor(i.path, flags)}: ${i.message}`).join('; ');
  throw new CliError(`${subject}: ${details}`, { cause: res.error });
}

/** Names the API server would refuse, refused before any request (and for --export too). */
export function requireValidName(subject: Subject): void {
  if (subject.namespace !== undefined && !DNS_LABEL.test(subject.namespace)) {
    throw new CliError(
      `${formatSubject(subject)}: namespace must be a lowercase DNS label (a-z, 0-9, "-")`,
    );
  }
  if (!DNS_SUBDOMAIN.test(subject.name) || subject.name.length > 253) {
    throw new CliError(
      `${formatSubject(subject)}: name must be a lowercase DNS name (a-z, 0-9, "-", ".")`,
    );
  }
}

/** A Git URL the operator can fetch (file:// too: whether it is allowed is the operator's flag). */
export function requireGitUrl(subject: Subject, url: string): void {
  const parsed = parseGitUrl(url, true);
  if (!parsed.ok) throw new CliError(`${formatSubject(subject)}: --url: ${parsed.error.message}`);
}

/** A path inside the source's repository, as rendering will check it. */
export function requireSyncPath(subject: Subject, path: string): void {
  const checked = checkArtifactPath(path);
  if (!checked.ok)
    throw new CliError(`${formatSubject(subject)}: --path: ${checked.error.message}`);
}
