// A node:test reporter that prints only the closing line `N passed, N failed, N skipped`, so a
// run that executed nothing is visible at a glance.
import type { TestEvent } from 'node:test/reporters';

// node:test loads a custom reporter through its default export.
// eslint-disable-next-line no-restricted-syntax
export default async function* summary(source: AsyncIterable<TestEvent>): AsyncGenerator<string> {
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  for await (const event of source) {
    if (event.type !== 'test:pass' && event.type !== 'test:fail') continue;
    const data = event.data as { details: { type?: string }; skip?: unknown; todo?: unknown };
    if (data.details.type === 'suite') continue;
    if (event.type === 'test:fail') failed++;
    else if (data.skip !== undefined || data.todo !== undefined) skipped++;
    else passed++;
  }
  yield `\n${passed} passed, ${failed} failed, ${skipped} skipped\n`;
}
