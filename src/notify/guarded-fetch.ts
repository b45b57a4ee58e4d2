// A fetch for deliveries that connects only where the address policy allows: the one DNS lookup
// of each connection is checked and then used, so a name cannot resolve to an allowed address
// for the check and to a denied one for the connection (DNS rebinding).
import { Agent, fetch as undiciFetch, type RequestInit as UndiciRequestInit } from 'undici';
import type { AddressPolicy } from './address.ts';
import type { FetchFn } from './http.ts';

export type GuardedFetch = {
  readonly fetch: FetchFn;
  close(): Promise<void>;
};

export function createGuardedFetch(policy: AddressPolicy): GuardedFetch {
  const agent = new Agent({ connect: { lookup: policy.lookup } });
  const guarded = (input: string | URL | Request, init?: RequestInit) => {
    const options = { ...(init as UndiciRequestInit | undefined), dispatcher: agent };
    return undiciFetch(String(input instanceof Request ? input.url : input), options);
  };
  return { fetch: guarded, close: () => agent.close() };
}
