/**
 * The length of `value` written as compact JSON (an estimate in UTF-16 units: strings are not
 * escaped), or undefined as soon as it exceeds `limit`. Walks with an explicit stack and counts a
 * shared value (a YAML alias) each time it occurs, so an alias bomb is measured, not expanded,
 * and the walk stops within `limit` steps.
 */
export function measureJson(value: unknown, limit: number): number | undefined {
  let total = 0;
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    total += sizeOf(stack.pop(), stack);
    if (total > limit) return undefined;
  }
  return total;
}

/** The size of `value` itself (punctuation, keys, scalars); its children go on `stack`. */
function sizeOf(value: unknown, stack: unknown[]): number {
  if (typeof value === 'string') return value.length + 2;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value).length;
  if (value === null || value === undefined) return 4;
  if (value instanceof Uint8Array) return Math.ceil(value.length / 3) * 4 + 2;
  if (Array.isArray(value)) {
    for (const item of value as unknown[]) stack.push(item);
    return 2 + Math.max(0, value.length - 1);
  }
  if (typeof value === 'object') {
    let size = 2;
    for (const [key, item] of Object.entries(value)) {
      size += key.length + 4;
      stack.push(item);
    }
    return size;
  }
  // A bigint, symbol or function: conversion refuses it; count it as a scalar until then.
  return 4;
}
