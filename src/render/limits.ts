/**
 * What one render may cost: the bounds that keep the operator's memory and CPU in check whatever
 * a revision holds. Real repositories stay far below them; the README lists them.
 */
export const RenderLimits = {
  /** Bytes of one manifest file (checked before it is read) or one kustomize build's output. */
  fileBytes: 8 * 1024 * 1024,
  /** Bytes of all manifest files of one render together (checked before they are read). */
  totalBytes: 16 * 1024 * 1024,
  /** Objects one render may produce (after `List`s are expanded). */
  objects: 10_000,
  /**
   * Characters of all objects of one render written as JSON, aliases expanded: what an alias
   * bomb that stays under the YAML parser's alias count would grow to.
   */
  renderedChars: 32 * 1024 * 1024,
} as const;

const MIB = 1024 * 1024;

/** `8 MiB`, for messages. */
export function formatBytes(bytes: number): string {
  return bytes % MIB === 0 ? `${bytes / MIB} MiB` : `${bytes} bytes`;
}
