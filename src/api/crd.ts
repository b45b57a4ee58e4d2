// The CustomResourceDefinitions of every Moor resource, generated from the zod schemas.
import { API_GROUP, API_VERSION, type KubeObject } from '../core/index.ts';
import type { ResourceDefinition } from './resource.ts';
import { resourceDefinitions } from './resources.ts';
import { toStructuralSchema, type StructuralSchema } from './structural.ts';

export const CRD_CATEGORY = 'moor';

/** `syncs.moor.dev`: the name of the CRD that defines this resource. */
export function crdNameOf(def: Pick<ResourceDefinition, 'plural'>): string {
  return `${def.plural}.${API_GROUP}`;
}

/** apiextensions.k8s.io/v1 CustomResourceDefinitions for every resource, in install order. */
export function generateCrds(): KubeObject[] {
  return resourceDefinitions.map(generateCrd);
}

export function generateCrd(def: ResourceDefinition): KubeObject {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: {
      name: crdNameOf(def),
      labels: { 'app.kubernetes.io/part-of': 'moor' },
    },
    spec: {
      group: API_GROUP,
      names: {
        kind: def.kind,
        listKind: `${def.kind}List`,
        plural: def.plural,
        singular: def.singular,
        ...(def.shortNames.length > 0 ? { shortNames: [...def.shortNames] } : {}),
        categories: [CRD_CATEGORY],
      },
      scope: 'Namespaced',
      versions: [
        {
          name: API_VERSION,
          served: true,
          storage: true,
          subresources: { status: {} },
          additionalPrinterColumns: def.printerColumns.map((c) => ({ ...c })),
          schema: { openAPIV3Schema: openApiSchemaOf(def) },
        },
      ],
    },
  };
}

function openApiSchemaOf(def: ResourceDefinition): StructuralSchema {
  return {
    description: def.description,
    type: 'object',
    properties: {
      apiVersion: { type: 'string' },
      kind: { type: 'string' },
      metadata: { type: 'object' },
      spec: toStructuralSchema(def.spec),
      status: toStructuralSchema(def.status),
    },
    required: ['spec'],
  };
}
