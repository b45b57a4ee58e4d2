// How long and how large one request to the operator's HTTP server may be (node:http options).
import type { ServerOptions } from 'node:http';

export type ServerLimits = {
  /** All headers must arrive within this (a slow-loris connection is cut after it). */
  readonly headersTimeoutMs: number;
  /** The whole request, body included, must arrive within this. */
  readonly requestTimeoutMs: number;
  /** An idle keep-alive connection is closed after this. */
  readonly keepAliveTimeoutMs: number;
  /** Larger request headers are answered 431. */
  readonly maxHeaderBytes: number;
  /** How often node:http looks for connections past their timeouts. */
  readonly checkIntervalMs: number;
};

export const DEFAULT_SERVER_LIMITS: ServerLimits = {
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  keepAliveTimeoutMs: 5_000,
  maxHeaderBytes: 16 * 1024,
  checkIntervalMs: 1_000,
};

/** The node:http server options that enforce `limits`. */
export function serverOptionsFor(limits: ServerLimits): ServerOptions {
  return {
    headersTimeout: limits.headersTimeoutMs,
    requestTimeout: limits.requestTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    maxHeaderSize: limits.maxHeaderBytes,
    connectionsCheckingInterval: limits.checkIntervalMs,
  };
}
