// What the image reconcilers share: the tags each scan found (kept in the operator's memory, not in
// etcd: ADR 0025), the registry client, and the narrow handles of the controller they use.
import type { Clock, KubeObject, Random, SecretReader } from '../../core/index.ts';
import type { GitClient } from '../../git/index.ts';
import type { ImageName, RegistryClient, RegistryCredentials } from '../../image/index.ts';
import type { KubeClient } from '../../kube/index.ts';
import type { EventRecorder } from '../events.ts';
import type { Logger } from '../types.ts';

export type ScannedImage = {
  readonly image: ImageName;
  readonly tags: readonly string[];
  readonly insecure: boolean;
  readonly credentials?: RegistryCredentials | undefined;
};

/** `namespace/name` of an ImageRepository → its last successful scan. */
export type TagStore = Map<string, ScannedImage>;

export type ImageDeps = {
  readonly kube: KubeClient;
  readonly clock: Pick<Clock, 'now'>;
  readonly random: Random;
  readonly logger: Logger;
  readonly events: EventRecorder;
  readonly readSecret: SecretReader;
  readonly requeue: (key: string, delayMs: number) => void;
  /** Sends ImageUpdated / ImageScanFailed to the notifier (Alerts, Providers). */
  readonly announce?: ((event: ImageAnnouncement) => void) | undefined;
};

export type ImageAnnouncement = {
  readonly event: 'ImageUpdated' | 'ImageScanFailed';
  readonly kind: 'ImageRepository' | 'ImageUpdateAutomation';
  readonly namespace: string;
  readonly name: string;
  readonly message: string;
  readonly revision?: string;
  readonly objects?: readonly string[];
};

export type RepositoryDeps = ImageDeps & {
  readonly registry: RegistryClient;
  readonly tags: TagStore;
  /** The scan of this ImageRepository finished: its ImagePolicies look again. */
  readonly onScanned: (namespace: string, name: string) => void;
};

export type PolicyDeps = ImageDeps & {
  readonly registry: RegistryClient;
  readonly tags: TagStore;
  /** The latest image of a policy changed: the automations of its namespace look again. */
  readonly onLatest: (namespace: string) => void;
};

export type AutomationDeps = ImageDeps & {
  readonly git: GitClient;
  readonly getGitRepository: (namespace: string, name: string) => KubeObject | undefined;
  readonly listPolicies: (namespace: string) => readonly KubeObject[];
  /** A commit was pushed to this GitRepository: fetch it now. */
  readonly onPushed: (namespace: string, name: string) => void;
};

export const aboutOf = (obj: KubeObject) => ({
  apiVersion: obj.apiVersion,
  kind: obj.kind,
  namespace: obj.metadata.namespace ?? '',
  name: obj.metadata.name ?? '',
  uid: obj.metadata.uid,
});

export const keyOf = (namespace: string, name: string): string => `${namespace}/${name}`;
