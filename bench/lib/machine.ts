// What the numbers were measured on.
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';

export function describeMachine(now: Date): Record<string, unknown> {
  return {
    cores: availableParallelism(),
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    date: now.toISOString(),
    /** Other work on the machine skews the figures: the 1-minute load average at the start. */
    loadAverageAtStart: Math.round((loadavg()[0] ?? 0) * 100) / 100,
  };
}
