// How the installed operator is reached: a Service for receivers and metrics, and a
// NetworkPolicy that lets in only that port.
import type { KubeObject } from '../core/index.ts';

const partOf = { 'app.kubernetes.io/part-of': 'moor' };

export function buildNetworkObjects(opts: {
  readonly name: string;
  readonly namespace: string;
  readonly selector: Record<string, string>;
  readonly port: number;
}): KubeObject[] {
  const metadata = { name: opts.name, namespace: opts.namespace, labels: { ...partOf } };
  return [
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata,
      spec: {
        type: 'ClusterIP',
        selector: { ...opts.selector },
        ports: [{ name: 'http', port: opts.port, targetPort: 'http', protocol: 'TCP' }],
      },
    },
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata,
      spec: {
        podSelector: { matchLabels: { ...opts.selector } },
        policyTypes: ['Ingress'],
        // Receivers (Git hosts' webhooks) and metrics scrapers come from anywhere; nothing else.
        ingress: [{ ports: [{ port: opts.port, protocol: 'TCP' }] }],
      },
    },
  ];
}
