// The image automation reconcilers (ImageRepository, ImagePolicy, ImageUpdateAutomation).
export { startImageAutomation } from './start.ts';
export type { Images } from './wire.ts';
