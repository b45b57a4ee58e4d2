// What every command gets from its caller: output streams, the clock, the abort signal, and a
// way to reach the cluster. main.ts builds the real one; tests pass their own.
import type { KubeClient, KubeError } from '../kube/index.ts';
import { type Clock, type Result } from '../core/index.ts';
import { cliErrorFromKube, CliError, type Subject } from './errors.ts';

export type CliContext = {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** Wall time for ages and request stamps; monotonic time and sleeps for waiting. */
  readonly clock: Clock;
  /** Aborted on SIGINT/SIGTERM. */
  readonly signal: AbortSignal;
  /** The package version (install manifests name the image by it). */
  readonly version: string;
  /** A client for the cluster the kubeconfig names (`undefined`: KUBECONFIG, ~/.kube/config). */
  readonly connect: (kubeconfig: string | undefined) => Promise<KubeClient>;
};

/** Options every command inherits from the root. */
export type GlobalOptions = {
  kubeconfig?: string | undefined;
  namespace?: string | undefined;
};

export const DEFAULT_NAMESPACE = 'default';

export function namespaceOf(globals: GlobalOptions): string {
  return globals.namespace ?? DEFAULT_NAMESPACE;
}

export async function connectWith(ctx: CliContext, globals: GlobalOptions): Promise<KubeClient> {
  try {
    return await ctx.connect(globals.kubeconfig);
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    const from = globals.kubeconfig ?? 'the default kubeconfig';
    throw new CliError(`cannot load ${from}: ${why}`, { cause: e });
  }
}

/** The client main.ts gives commands; src/kube loads only when a command reaches the cluster. */
export async function connectReal(kubeconfig: string | undefined): Promise<KubeClient> {
  const { createKubeClient } = await import('../kube/index.ts');
  return createKubeClient(kubeconfig === undefined ? { env: process.env } : { kubeconfig });
}

/** The value of an API call, or a CliError naming `subject` (for NotFound). */
export function unwrapKube<T>(res: Result<T, KubeError>, subject?: Subject): T {
  if (!res.ok) throw cliErrorFromKube(res.error, subject);
  return res.value;
}
