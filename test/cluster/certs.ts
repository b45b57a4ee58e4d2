// Certificates for the local control plane, made with openssl (P-256): a CA, a serving
// certificate for loopback, an admin client certificate in system:masters, and a
// service-account signing key.
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export type CertPaths = {
  readonly caCert: string;
  readonly caKey: string;
  readonly serverCert: string;
  readonly serverKey: string;
  readonly adminCert: string;
  readonly adminKey: string;
  readonly serviceAccountKey: string;
  readonly serviceAccountPub: string;
};

async function openssl(args: readonly string[], signal: AbortSignal): Promise<void> {
  try {
    await run('openssl', args, { signal, timeout: 30_000 });
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? '';
    throw new Error(`openssl ${args[0] ?? ''} failed: ${stderr.trim()}`, { cause: error });
  }
}

async function issue(
  dir: string,
  name: string,
  subject: string,
  extensions: string,
  signal: AbortSignal,
): Promise<void> {
  const key = join(dir, `${name}.key`);
  const csr = join(dir, `${name}.csr`);
  const ext = join(dir, `${name}.ext`);
  await writeFile(ext, extensions);
  await openssl(['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', key], signal);
  await openssl(['req', '-new', '-key', key, '-subj', subject, '-out', csr], signal);
  await openssl(
    ['x509', '-req', '-in', csr, '-CA', join(dir, 'ca.crt'), '-CAkey', join(dir, 'ca.key')]
      .concat(['-CAcreateserial', '-days', '3650', '-sha256', '-extfile', ext])
      .concat(['-out', join(dir, `${name}.crt`)]),
    signal,
  );
}

export async function createCerts(dir: string, signal: AbortSignal): Promise<CertPaths> {
  await openssl(
    ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes']
      .concat(['-keyout', join(dir, 'ca.key'), '-out', join(dir, 'ca.crt'), '-days', '3650'])
      .concat(['-subj', '/CN=moor-local-ca']),
    signal,
  );
  await issue(
    dir,
    'server',
    '/CN=kube-apiserver',
    [
      'basicConstraints=CA:FALSE',
      'keyUsage=digitalSignature,keyEncipherment',
      'extendedKeyUsage=serverAuth',
      'subjectAltName=IP:127.0.0.1,IP:10.0.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc',
      '',
    ].join('\n'),
    signal,
  );
  await issue(
    dir,
    'admin',
    '/O=system:masters/CN=moor-admin',
    'basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=clientAuth\n',
    signal,
  );
  const serviceAccountKey = join(dir, 'sa.key');
  const serviceAccountPub = join(dir, 'sa.pub');
  await openssl(
    ['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', serviceAccountKey],
    signal,
  );
  await openssl(['ec', '-in', serviceAccountKey, '-pubout', '-out', serviceAccountPub], signal);
  return {
    caCert: join(dir, 'ca.crt'),
    caKey: join(dir, 'ca.key'),
    serverCert: join(dir, 'server.crt'),
    serverKey: join(dir, 'server.key'),
    adminCert: join(dir, 'admin.crt'),
    adminKey: join(dir, 'admin.key'),
    serviceAccountKey,
    serviceAccountPub,
  };
}
