// Builds the image automation side from the operator's parts: the registry client behind the same
// address deny-list Providers have (link-local and metadata ranges, plus --deny-provider-hosts),
// and the hooks into the GitRepository side (read a repository, fetch it after a push).
import type { GitClient } from '../../git/index.ts';
import { createRegistryClient } from '../../image/index.ts';
import {
  createAddressPolicy,
  DEFAULT_DENIED_HOSTS,
  DEFAULT_DENIED_RANGES,
  type EventInput,
} from '../../notify/index.ts';
import type { EventMemory, EventRecorder } from '../events.ts';
import type { OperatorOptions } from '../options.ts';
import type { SecretReader } from '../secrets.ts';
import type { Sources } from '../wire-sources.ts';
import { startImages, type ImageWiring, type Images } from './wire.ts';

type Parts = {
  readonly common: Pick<
    ImageWiring,
    'kube' | 'memory' | 'logger' | 'clock' | 'leadership' | 'timed' | 'signal'
  >;
  readonly git: GitClient;
  readonly events: EventRecorder & EventMemory;
  readonly readSecret: SecretReader;
  readonly announce: (event: EventInput) => void;
  readonly metrics?: ImageWiring['metrics'];
};

export function startImageAutomation(
  opts: OperatorOptions,
  parts: Parts,
  sources: Pick<Sources, 'informer' | 'queue'>,
): Images {
  const addresses = opts.providerAddresses;
  const policy = createAddressPolicy({
    deniedRanges: [...DEFAULT_DENIED_RANGES, ...(addresses?.deniedRanges ?? [])],
    deniedHosts: [...DEFAULT_DENIED_HOSTS, ...(addresses?.deniedHosts ?? [])],
  });
  if (!policy.ok) throw policy.error;
  return startImages({
    ...parts.common,
    git: parts.git,
    ...(parts.metrics ? { metrics: parts.metrics } : {}),
    events: parts.events,
    readSecret: parts.readSecret,
    announce: ({ kind, namespace, name, ...rest }) =>
      parts.announce({ ...rest, source: { kind, namespace, name } }),
    concurrency: opts.concurrency,
    namespace: opts.namespace,
    allowFileUrls: opts.allowFileUrls,
    ...(opts.watch ? { watch: opts.watch } : {}),
    registry: createRegistryClient(policy.value),
    getGitRepository: (namespace, name) => sources.informer.get(namespace, name),
    onPushed: (namespace, name) => sources.queue.add(`${namespace}/${name}`),
  });
}
