// The render options `moor status sync` names: substitution and decryption in use, never a value.
import type { KubeObject } from '../core/index.ts';
import { arrayAt, recordAt } from './objects.ts';

/** `Substitution:` and `Decryption:` header lines, for the Syncs that use them. */
export function renderOptionLines(sync: KubeObject): [string, string][] {
  const spec = recordAt(sync, 'spec');
  const lines: [string, string][] = [];
  const inline = Object.keys(recordAt(spec, 'substitute')).sort();
  const from = arrayAt(spec, 'substituteFrom').map((f) => {
    const r = recordAt(f);
    return `${String(r.kind)}/${String(r.name)}${r.optional === true ? ' (optional)' : ''}`;
  });
  if (inline.length > 0 || from.length > 0) {
    const parts = [
      ...from,
      ...(inline.length > 0 ? [`spec.substitute (${inline.join(', ')})`] : []),
    ];
    const strict = spec.substituteStrict === true ? '; strict' : '';
    lines.push(['Substitution:', `${parts.join(', ')}${strict}`]);
  }
  const secret = recordAt(spec, 'decryption', 'secretRef').name;
  if (typeof secret === 'string')
    lines.push(['Decryption:', `SOPS with age identities from Secret/${secret}`]);
  return lines;
}
