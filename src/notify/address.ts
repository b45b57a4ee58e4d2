// A Git host repository's web URL → the host's API base and the repository's path (pure).
import { err, ok, type Result } from '../core/index.ts';

export type GitHostType = 'github' | 'gitlab' | 'gitea';

export type RepoAddress = {
  /** `https://api.github.com`, `https://ghe.example/api/v3`, `https://gitlab.example/api/v4`, … */
  readonly apiBase: string;
  /** Path segments after the host: `[org, app]`, or for GitLab `[group, sub, app]`. */
  readonly segments: readonly string[];
};

const scpLike = /^[A-Za-z0-9._-]+@([A-Za-z0-9.-]+):(?!\/\/)(.*)$/;

/** `git@host:org/app.git` → `https://host/org/app.git`; other text unchanged. */
function normalizeScpLike(address: string): string {
  const match = scpLike.exec(address);
  return match ? `https://${match[1]}/${match[2]}` : address;
}

function apiBaseOf(type: GitHostType, url: URL): string {
  // ssh:// and git:// URLs name the same host, whose API speaks https on its default port.
  const web = url.protocol === 'http:' || url.protocol === 'https:';
  const origin = web ? `${url.protocol}//${url.host}` : `https://${url.hostname}`;
  switch (type) {
    case 'github':
      return url.hostname === 'github.com' || url.hostname === 'www.github.com'
        ? 'https://api.github.com'
        : `${origin}/api/v3`;
    case 'gitlab':
      return `${origin}/api/v4`;
    case 'gitea':
      return `${origin}/api/v1`;
  }
}

/**
 * Parses `spec.address` (`https://github.com/org/app`, `https://gitlab.example/group/sub/app.git`,
 * `git@host:org/app`) into the API base and the repository path. The error text says what is
 * wrong without repeating credentials.
 */
export function parseRepoAddress(type: GitHostType, address: string): Result<RepoAddress, string> {
  let url: URL;
  try {
    url = new URL(normalizeScpLike(address.trim()));
  } catch {
    return err(
      'spec.address is not a URL (expected the repository URL, e.g. https://host/org/app)',
    );
  }
  if (!['https:', 'http:', 'ssh:', 'git:'].includes(url.protocol)) {
    return err(`spec.address has unsupported scheme ${url.protocol} (expected https or http)`);
  }
  const segments = url.pathname
    .replace(/\/+$/, '')
    .replace(/\.git$/, '')
    .split('/')
    .filter((s) => s !== '')
    .map((s) => decodeURIComponent(s));
  const wanted = type === 'gitlab' ? 'at least 2' : 'exactly 2';
  const fits = type === 'gitlab' ? segments.length >= 2 : segments.length === 2;
  if (!fits) {
    return err(
      `spec.address path ${JSON.stringify(url.pathname)} must have ${wanted} segments (owner/repository)`,
    );
  }
  return ok({ apiBase: apiBaseOf(type, url), segments });
}
