// `moor version [--operator-url URL]`: the client's version, the CRDs' state and the operator's
// version. `moor check [--operator-url URL]`: control-plane version, CRDs installed and current,
// operator reachable; exit 2 when something is not.
import { loadController, type KubeClient } from '../parts.ts';
import { connectWith, type CliContext } from '../context.ts';
import { CliError } from '../errors.ts';
import { formatData, outputOption, renderTable } from '../output.ts';
import type { GroupCommand } from '../program.ts';

const OPERATOR_TIMEOUT_MS = 5_000;

type OperatorAnswer = {
  readonly url: string;
  readonly reachable: boolean;
  readonly version?: string;
  readonly message?: string;
};

/** The operator's `/version`, when a URL is given (flag, else $MOOR_OPERATOR_URL). */
async function askOperator(
  url: string | undefined,
  ctx: CliContext,
): Promise<OperatorAnswer | undefined> {
  if (!url) return undefined;
  const base = url.replace(/\/+$/, '');
  try {
    const signal = AbortSignal.any([ctx.signal, AbortSignal.timeout(OPERATOR_TIMEOUT_MS)]);
    const res = await fetch(`${base}/version`, { signal });
    if (!res.ok) return { url: base, reachable: false, message: `answered ${res.status}` };
    const body = (await res.json()) as { version?: unknown };
    const version = typeof body.version === 'string' ? body.version : 'unknown';
    return { url: base, reachable: true, version };
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code;
    return { url: base, reachable: false, message: cause ?? (error as Error).message };
  }
}

async function crdsOf(kube: KubeClient, ctx: CliContext) {
  const { checkCrds } = await loadController();
  return checkCrds(kube, ctx.signal);
}

const operatorUrlOf = (flag: string | undefined): string | undefined =>
  flag ?? process.env.MOOR_OPERATOR_URL;

export function registerVersionCommand(version: GroupCommand, ctx: CliContext): void {
  version
    .option('--operator-url <url>', "the operator's HTTP server (default: $MOOR_OPERATOR_URL)")
    .addOption(outputOption())
    .action(async (opts, cmd) => {
      const kube = await connectWith(ctx, cmd.optsWithGlobals());
      const crds = await crdsOf(kube, ctx);
      const operator = await askOperator(operatorUrlOf(opts.operatorUrl), ctx);
      const data = { client: ctx.version, crds, operator: operator ?? null };
      if (opts.output !== 'table') return void ctx.stdout(formatData(data, opts.output));
      const installed = crds.filter((c) => c.installed);
      const crdLine = `${installed.length}/${crds.length} installed${crds.every((c) => c.current) ? ', current' : ''} (${[...new Set(installed.flatMap((c) => c.served))].join(', ') || '-'})`;
      const operatorLine = operator
        ? operator.reachable
          ? `${operator.version ?? 'unknown'} (${operator.url})`
          : `unreachable at ${operator.url}: ${operator.message ?? ''}`
        : 'unknown (give --operator-url or set MOOR_OPERATOR_URL)';
      ctx.stdout(
        renderTable(
          ['PART', 'VERSION'],
          [
            ['client', ctx.version],
            ['CRDs', crdLine],
            ['operator', operatorLine],
          ],
        ),
      );
    });
}

type Check = { readonly name: string; readonly ok: boolean; readonly detail: string };
type Crd = Awaited<ReturnType<typeof crdsOf>>[number];

function crdCheck(c: Crd): Check {
  const ok = c.installed && c.established && c.current;
  const detail = !c.installed
    ? 'not installed (run `moor install`)'
    : !c.established
      ? 'not Established'
      : !c.current
        ? 'out of date (run `moor install`)'
        : `current, serves ${c.served.join(', ')}`;
  return { name: `CRD ${c.name}`, ok, detail };
}

function operatorCheck(operator: OperatorAnswer | undefined): Check {
  if (!operator) {
    const detail = 'not checked: give --operator-url or set MOOR_OPERATOR_URL';
    return { name: 'operator', ok: false, detail };
  }
  const detail = operator.reachable
    ? `version ${operator.version ?? 'unknown'} at ${operator.url}`
    : `unreachable at ${operator.url}: ${operator.message ?? ''}`;
  return { name: 'operator', ok: operator.reachable, detail };
}

export function registerCheckCommand(check: GroupCommand, ctx: CliContext): void {
  check
    .option('--operator-url <url>', "the operator's HTTP server (default: $MOOR_OPERATOR_URL)")
    .addOption(outputOption())
    .action(async (opts, cmd) => {
      const kube = await connectWith(ctx, cmd.optsWithGlobals());
      const checks: Check[] = [];
      const server = kube.serverVersion ? await kube.serverVersion(ctx.signal) : undefined;
      checks.push(
        server?.ok
          ? { name: 'control plane', ok: true, detail: `Kubernetes ${server.value.gitVersion}` }
          : { name: 'control plane', ok: false, detail: server ? server.error.message : 'unknown' },
      );
      if (server?.ok) checks.push(...(await crdsOf(kube, ctx)).map(crdCheck));
      checks.push(operatorCheck(await askOperator(operatorUrlOf(opts.operatorUrl), ctx)));
      const ok = checks.every((c) => c.ok);
      if (opts.output !== 'table') ctx.stdout(formatData({ ok, checks }, opts.output));
      else ctx.stdout(checks.map((c) => `${c.ok ? '✔' : '✖'} ${c.name}: ${c.detail}\n`).join(''));
      if (!ok) throw new CliError('', {});
    });
}
