// Provider addresses: a Git host repository's web URL → the host's API base and the repository's
// path, and the policy on which hosts an address may name (`--allow-provider-hosts`, and ranges
// it never may: link-local and cloud metadata endpoints, where a forged address reads credentials).
import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import { BlockList, isIP } from 'node:net';
import { MoorError, err, ok, type Result } from '../core/index.ts';

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

/** Refused whatever the allow-list says: link-local (with the usual metadata endpoint) and the
 * metadata addresses of clouds that put them elsewhere. */
export const DEFAULT_DENIED_RANGES: readonly string[] = [
  '169.254.0.0/16',
  'fe80::/10',
  '100.100.100.200/32',
  'fd00:ec2::254/128',
];

/** Host names of metadata services, refused by name before any lookup. */
export const DEFAULT_DENIED_HOSTS: readonly string[] = ['metadata.google.internal', 'metadata'];

export const AddressPolicyErrorCodes = {
  /** The address is in a denied range, or the host is a denied name. */
  denied: 'AddressDenied',
  /** `--allow-provider-hosts` is set and does not name this host. */
  notAllowed: 'HostNotAllowed',
  /** Not a URL, or a denied range that is no CIDR. */
  invalid: 'InvalidAddress',
} as const;
export type AddressPolicyErrorCode =
  (typeof AddressPolicyErrorCodes)[keyof typeof AddressPolicyErrorCodes];

/** A Provider address refused by the policy; the message names the host, never the full URL. */
export class AddressPolicyError extends MoorError<AddressPolicyErrorCode, { host: string }> {}

export type AddressPolicyOptions = {
  /** Host names (`hooks.example.com`) or suffixes (`*.example.com`); empty: any host. */
  readonly allowHosts?: readonly string[];
  /** CIDRs; defaults to DEFAULT_DENIED_RANGES. */
  readonly deniedRanges?: readonly string[];
  /** Defaults to DEFAULT_DENIED_HOSTS. */
  readonly deniedHosts?: readonly string[];
};

type LookupCallback = (
  error: NodeJS.ErrnoException | null,
  address: string | LookupAddress[],
  family?: number,
) => void;

/** The shape of `dns.lookup` that net.connect (and so an HTTP agent's `connect`) accepts. */
export type GuardedLookup = (
  hostname: string,
  options: LookupOptions,
  callback: LookupCallback,
) => void;

export type AddressPolicy = {
  /** Checks a URL's host by name and, for an IP literal, by address. */
  checkUrl(url: string): Result<URL, AddressPolicyError>;
  /** Checks one address a host name resolved to. */
  checkResolved(host: string, address: string): Result<void, AddressPolicyError>;
  /** dns.lookup that fails when any answer is denied (so a rebinding name cannot slip through). */
  readonly lookup: GuardedLookup;
};

export function createAddressPolicy(
  options: AddressPolicyOptions = {},
  resolve: typeof dnsLookup = dnsLookup,
): Result<AddressPolicy, AddressPolicyError> {
  const blocked = blockListOf(options.deniedRanges ?? DEFAULT_DENIED_RANGES);
  if (!blocked.ok) return blocked;
  const deniedHosts = new Set((options.deniedHosts ?? DEFAULT_DENIED_HOSTS).map(normalizeHost));
  const allow = (options.allowHosts ?? []).map(normalizeHost).filter((h) => h !== '');

  const checkResolved = (host: string, address: string): Result<void, AddressPolicyError> =>
    isDenied(blocked.value, address)
      ? err(policyError('denied', host, `${host} is ${address}, in a denied range`))
      : ok(undefined);

  const checkUrl = (text: string): Result<URL, AddressPolicyError> => {
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      return err(policyError('invalid', '', 'spec.address is not a URL'));
    }
    const host = normalizeHost(url.hostname);
    if (deniedHosts.has(host)) return err(policyError('denied', host, `${host} is a denied host`));
    if (allow.length > 0 && !allow.some((entry) => hostMatches(entry, host))) {
      return err(policyError('notAllowed', host, `${host} is not in --allow-provider-hosts`));
    }
    if (isIP(host) !== 0) {
      const checked = checkResolved(host, host);
      if (!checked.ok) return checked;
    }
    return ok(url);
  };

  const lookup: GuardedLookup = (hostname, lookupOptions, callback) => {
    resolve(hostname, { ...lookupOptions, all: true }, (error, addresses) => {
      if (error) return callback(error, []);
      const denied = addresses.find((a) => isDenied(blocked.value, a.address));
      if (denied !== undefined) {
        const refusal = policyError(
          'denied',
          hostname,
          `${hostname} is ${denied.address}, in a denied range`,
        );
        return callback(refusal, []);
      }
      if (lookupOptions.all === true) return callback(null, addresses);
      const first = addresses[0];
      if (first === undefined) return callback(new Error(`${hostname}: no addresses`), []);
      return callback(null, first.address, first.family);
    });
  };

  return ok({ checkUrl, checkResolved, lookup });
}

function blockListOf(ranges: readonly string[]): Result<BlockList, AddressPolicyError> {
  const list = new BlockList();
  for (const range of ranges) {
    const [network = '', bits = ''] = range.split('/');
    const family = isIP(network);
    const prefix = Number(bits);
    const max = family === 6 ? 128 : 32;
    if (family === 0 || !/^\d{1,3}$/.test(bits) || prefix > max) {
      return err(policyError('invalid', range, `denied range ${range} is not a CIDR`));
    }
    list.addSubnet(network, prefix, family === 6 ? 'ipv6' : 'ipv4');
  }
  return ok(list);
}

/** An IPv4-mapped IPv6 address (`::ffff:a.b.c.d`, as URL writes it `::ffff:xxxx:yyyy`) as IPv4. */
function unmapped(address: string): string {
  const hex = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(address);
  if (hex) {
    const high = Number.parseInt(hex[1] ?? '0', 16);
    const low = Number.parseInt(hex[2] ?? '0', 16);
    return [high >> 8, high & 255, low >> 8, low & 255].join('.');
  }
  const dotted = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  return dotted?.[1] ?? address;
}

function isDenied(list: BlockList, address: string): boolean {
  const plain = unmapped(address);
  const family = isIP(plain);
  if (family === 0) return false;
  return list.check(plain, family === 6 ? 'ipv6' : 'ipv4');
}

function normalizeHost(host: string): string {
  return host
    .trim()
    .toLowerCase()
    .replace(/^\[|\]$/g, '')
    .replace(/\.$/, '');
}

function hostMatches(entry: string, host: string): boolean {
  return entry.startsWith('*.') ? host.endsWith(entry.slice(1)) : host === entry;
}

function policyError(
  code: keyof typeof AddressPolicyErrorCodes,
  host: string,
  message: string,
): AddressPolicyError {
  return new AddressPolicyError(AddressPolicyErrorCodes[code], message, { host });
}
