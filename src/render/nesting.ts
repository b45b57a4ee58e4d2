import type { CST } from 'yaml';

/**
 * How deep collections may nest in one manifest. Real objects stay far below it (a CRD's
 * OpenAPI schema reaches a few dozen levels); the recursive steps after parsing (composing,
 * conversion, diffing) are safe well beyond it.
 */
export const MAX_NESTING_DEPTH = 256;

/**
 * The offset of the first collection nested deeper than `maxDepth` in a YAML (or JSON) stream's
 * concrete syntax tree (the parser's tokens, before composing), or undefined. Walks it with an
 * explicit stack, so a 10,000-deep document is measured without recursion and the answer is the
 * same on every call.
 */
export function findTooDeep(
  tokens: readonly CST.Token[],
  maxDepth = MAX_NESTING_DEPTH,
): number | undefined {
  const stack = tokens.map((token) => ({ token, depth: 0 }));
  // Visit in document order: the first offending node is the one reported.
  stack.reverse();
  for (let entry = stack.pop(); entry; entry = stack.pop()) {
    const { token, depth } = entry;
    const children = childrenOf(token);
    if (children.length === 0) continue;
    const inner = isCollection(token) ? depth + 1 : depth;
    if (inner > maxDepth) return token.offset;
    for (let i = children.length - 1; i >= 0; i--) {
      const child = children[i];
      if (child) stack.push({ token: child, depth: inner });
    }
  }
  return undefined;
}

function isCollection(token: CST.Token): boolean {
  return (
    token.type === 'block-map' || token.type === 'block-seq' || token.type === 'flow-collection'
  );
}

function childrenOf(token: CST.Token): CST.Token[] {
  switch (token.type) {
    case 'document':
      return token.value ? [token.value] : [];
    case 'block-map':
    case 'block-seq':
    case 'flow-collection': {
      const out: CST.Token[] = [];
      for (const item of token.items) {
        if (item.key) out.push(item.key);
        if (item.value) out.push(item.value);
      }
      return out;
    }
    default:
      return [];
  }
}
