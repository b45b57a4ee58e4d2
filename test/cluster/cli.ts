// `npm run cluster:up` / `npm run cluster:down`: the local control plane for people and scripts.
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startControlPlane, stopControlPlane } from './control-plane.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const stateDir = join(root, '.cache', 'cluster');
const command = process.argv[2];

if (command === 'up') {
  const cluster = await startControlPlane({
    stateDir,
    signal: AbortSignal.timeout(60 * 60_000),
    log: (line) => console.log(line),
  });
  console.log(`kubectl: ${join(cluster.binDir, 'kubectl')}`);
  console.log(`logs: ${relative(process.cwd(), join(stateDir, 'logs'))}`);
  console.log(`export KUBECONFIG=${cluster.kubeconfig}`);
} else if (command === 'down') {
  await stopControlPlane(stateDir);
  console.log('control plane stopped');
} else {
  console.error('usage: node test/cluster/cli.ts up|down');
  process.exit(2);
}
