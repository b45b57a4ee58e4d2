// `moor create sync` flags for render options: --substitute, --substitute-from, --decryption-secret.
import { CliError, formatSubject, type Subject } from '../errors.ts';
import { VARIABLE_NAME } from '../parts-api.ts';

export type SyncRenderFlags = {
  readonly substitute?: readonly string[] | undefined;
  readonly substituteFrom?: readonly string[] | undefined;
  readonly substituteStrict?: boolean | undefined;
  readonly decryptionSecret?: string | undefined;
};

/** Commander's collector for a repeatable flag. */
export const collect = (value: string, previous: string[] | undefined): string[] => [
  ...(previous ?? []),
  value,
];

const kinds: Record<string, 'ConfigMap' | 'Secret'> = {
  configmap: 'ConfigMap',
  configmaps: 'ConfigMap',
  cm: 'ConfigMap',
  secret: 'Secret',
  secrets: 'Secret',
};

function parseVariable(text: string, subject: Subject): [string, string] {
  const eq = text.indexOf('=');
  if (eq <= 0)
    throw new CliError(
      `${formatSubject(subject)}: --substitute ${JSON.stringify(text.slice(0, 40))}: expected NAME=VALUE`,
    );
  const name = text.slice(0, eq);
  if (!VARIABLE_NAME.test(name))
    throw new CliError(
      `${formatSubject(subject)}: --substitute ${JSON.stringify(name)}: not a variable name ([_a-zA-Z][_a-zA-Z0-9]*)`,
    );
  return [name, text.slice(eq + 1)];
}

/** `configmap/NAME` or `secret/NAME`, optionally ending in `?` (optional: may be missing). */
function parseFrom(text: string, subject: Subject) {
  const optional = text.endsWith('?');
  const [kind = '', name = '', ...rest] = (optional ? text.slice(0, -1) : text).split('/');
  const k = kinds[kind.toLowerCase()];
  if (!k || !name || rest.length > 0)
    throw new CliError(
      `${formatSubject(subject)}: --substitute-from ${JSON.stringify(text)}: expected configmap/NAME or secret/NAME (a trailing ? makes it optional)`,
    );
  return { kind: k, name, ...(optional ? { optional: true } : {}) };
}

/** The spec fields the flags set (none when no flag is given). */
export function renderSpecOf(flags: SyncRenderFlags, subject: Subject): Record<string, unknown> {
  const spec: Record<string, unknown> = {};
  if (flags.substitute?.length)
    spec.substitute = Object.fromEntries(flags.substitute.map((v) => parseVariable(v, subject)));
  if (flags.substituteFrom?.length)
    spec.substituteFrom = flags.substituteFrom.map((f) => parseFrom(f, subject));
  if (flags.substituteStrict) spec.substituteStrict = true;
  if (flags.decryptionSecret)
    spec.decryption = { provider: 'sops', secretRef: { name: flags.decryptionSecret } };
  return spec;
}

export const renderFlagOfField = {
  'spec.substitute': '--substitute',
  'spec.substituteFrom': '--substitute-from',
  'spec.decryption': '--decryption-secret',
};
