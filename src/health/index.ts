// Health: pure per-kind assessment of live objects (kstatus rules).
export { assessHealth, KIND_RULES } from './assess.ts';
export { SCHEDULE_WINDOW_MS } from './pod.ts';
export { HealthStatus, type AssessContext, type Health, type KindRule } from './types.ts';
