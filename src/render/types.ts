import type { KubeObject } from '../core/index.ts';

/** One manifest file of an artifact: path relative to the artifact root, and its text. */
export type ManifestFile = {
  readonly path: string;
  readonly content: string;
  /**
   * For a kustomize build's output: the SOPS-encrypted artifact files its encrypted documents
   * came from, whose MACs verify them (see kustomize-root.ts findSopsSources).
   */
  readonly sopsSources?: readonly ManifestFile[];
};

/** Where a rendered object came from: file relative to the artifact root, 1-based line. */
export type ObjectSource = {
  readonly path: string;
  readonly line: number;
};

/** A desired object and where it was written. */
export type RenderedObject = {
  readonly object: KubeObject;
  readonly source: ObjectSource;
};
