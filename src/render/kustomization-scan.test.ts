import assert from 'node:assert/strict';
import { test } from 'node:test';

import { isRemote, scanKustomization, scanPluginFile } from './kustomization-scan.ts';

const file = 'deploy/kustomization.yaml';
const denied = { allowRemote: false };
const allowed = { allowRemote: true };

const remote = [
  'http://127.0.0.1:8080/cm.yaml',
  'https://example.com/app/deploy.yaml',
  'HTTPS://example.com/x.yaml',
  'https://github.com/org/repo//deploy?ref=v1.0.0',
  'github.com/org/repo/deploy?ref=main',
  'GitHub.com:org/repo',
  'git@github.com:org/repo.git//base',
  'git::https://example.com/org/repo.git//base',
  'ssh://git@example.com/org/repo.git',
  'file:///etc/moor',
  'gh:org/repo',
];
const local = [
  'base',
  '../base',
  '../../shared/base',
  './configmap.yaml',
  'config.d/app',
  'example.com/app',
  'github.company/app',
  'deploy.yaml',
];
for (const entry of remote) {
  test(`isRemote(${JSON.stringify(entry)}) is true`, () => assert.equal(isRemote(entry), true));
}
for (const entry of local) {
  test(`isRemote(${JSON.stringify(entry)}) is false`, () => assert.equal(isRemote(entry), false));
}

const refusals: {
  name: string;
  yaml: string;
  policy?: { allowRemote: boolean };
  code: string;
  message: string;
}[] = [
  {
    name: 'a remote resource',
    yaml: 'resources:\n  - ok.yaml\n  - https://example.com/x.yaml\n',
    code: 'RemoteResourceRefused',
    message: `${file}: resources entry https://example.com/x.yaml is remote: remote bases and resources are refused unless the operator runs with --allow-remote-bases`,
  },
  {
    name: 'a remote base (deprecated bases)',
    yaml: 'bases: [github.com/org/repo/base?ref=v1]\n',
    code: 'RemoteResourceRefused',
    message: `${file}: bases entry github.com/org/repo/base?ref=v1 is remote: remote bases and resources are refused unless the operator runs with --allow-remote-bases`,
  },
  {
    name: 'a remote component',
    yaml: 'components: [git@github.com:org/repo.git//c]\n',
    code: 'RemoteResourceRefused',
    message: `${file}: components entry git@github.com:org/repo.git//c is remote: remote bases and resources are refused unless the operator runs with --allow-remote-bases`,
  },
  {
    name: 'a remote patch file',
    yaml: 'patches:\n  - path: http://127.0.0.1:1/p.yaml\n',
    code: 'RemoteResourceRefused',
    message: `${file}: patches.path entry http://127.0.0.1:1/p.yaml is remote: remote bases and resources are refused unless the operator runs with --allow-remote-bases`,
  },
  {
    name: 'a remote generator file (key=url)',
    yaml: 'configMapGenerator:\n  - name: x\n    files: [conf=https://example.com/c]\n',
    code: 'RemoteResourceRefused',
    message: `${file}: configMapGenerator.files entry https://example.com/c is remote: remote bases and resources are refused unless the operator runs with --allow-remote-bases`,
  },
  {
    name: 'a remote env file of a secret generator',
    yaml: 'secretGenerator:\n  - name: x\n    envs: [https://example.com/.env]\n',
    code: 'RemoteResourceRefused',
    message: `${file}: secretGenerator.envs entry https://example.com/.env is remote: remote bases and resources are refused unless the operator runs with --allow-remote-bases`,
  },
  {
    name: 'a remote openapi schema',
    yaml: 'openapi:\n  path: https://example.com/schema.json\n',
    code: 'RemoteResourceRefused',
    message: `${file}: openapi.path entry https://example.com/schema.json is remote: remote bases and resources are refused unless the operator runs with --allow-remote-bases`,
  },
  {
    name: 'a patch file at an absolute path (a file of the host)',
    yaml: 'patches:\n  - path: /etc/moor/patch.yaml\n',
    code: 'ReferenceEscapesArtifact',
    message: `${file}: patches.path entry /etc/moor/patch.yaml is outside the artifact`,
  },
  {
    name: 'a generator file at an absolute path, even with remote bases allowed',
    yaml: 'secretGenerator:\n  - name: x\n    files: [key=/etc/moor/key]\n',
    policy: allowed,
    code: 'ReferenceEscapesArtifact',
    message: `${file}: secretGenerator.files entry /etc/moor/key is outside the artifact`,
  },
  {
    name: 'a file:// base, even with remote bases allowed',
    yaml: 'resources: [file:///etc/moor/base]\n',
    policy: allowed,
    code: 'RemoteResourceRefused',
    message: `${file}: resources entry file:///etc/moor/base is remote: file:// URLs read outside the artifact and are always refused`,
  },
  {
    name: 'an inline exec KRM function transformer',
    yaml: [
      'transformers:',
      '  - |',
      '    apiVersion: example.com/v1',
      '    kind: Run',
      '    metadata:',
      '      name: run',
      '      annotations:',
      '        config.kubernetes.io/function: |',
      '          exec: {path: /bin/sh}',
      '',
    ].join('\n'),
    code: 'KustomizePluginRefused',
    message: `${file}: transformers entry example.com/v1 Run/run is a KRM function: only kustomize's builtin generators, transformers and validators run`,
  },
  {
    name: 'an inline legacy exec plugin generator (not builtin)',
    yaml: 'generators:\n  - |\n    apiVersion: someteam.example.com/v1\n    kind: SecretsFromDatabase\n',
    code: 'KustomizePluginRefused',
    message: `${file}: generators entry someteam.example.com/v1 SecretsFromDatabase is an exec or KRM function plugin: only kustomize's builtin generators, transformers and validators run`,
  },
  {
    name: 'an inline container function validator, even if it claims apiVersion builtin',
    yaml: [
      'validators:',
      '  - |',
      '    apiVersion: builtin',
      '    kind: Check',
      '    metadata:',
      '      name: check',
      '      annotations:',
      '        config.k8s.io/function: |',
      '          container: {image: example.com/check}',
      '',
    ].join('\n'),
    code: 'KustomizePluginRefused',
    message: `${file}: validators entry builtin Check/check is a KRM function: only kustomize's builtin generators, transformers and validators run`,
  },
];
for (const c of refusals) {
  test(`scanKustomization refuses ${c.name}`, () => {
    const result = scanKustomization(c.yaml, file, c.policy ?? denied);
    assert.equal(result.ok, false);
    if (result.ok) return;
    assert.equal(result.error.code, c.code);
    assert.equal(result.error.message, c.message);
    assert.equal(result.error.data.file, file);
  });
}

const accepted: { name: string; yaml: string; policy?: { allowRemote: boolean }; refs: unknown }[] =
  [
    {
      name: 'local resources, bases, components and plugin files, in field order',
      yaml: [
        'resources: [a.yaml, ../base]',
        'bases: [../old]',
        'components: [../c]',
        'generators: [gen.yaml]',
        'transformers: [../t]',
        'validators: [v.yaml]',
        '',
      ].join('\n'),
      refs: [
        { field: 'resources', entry: 'a.yaml' },
        { field: 'resources', entry: '../base' },
        { field: 'bases', entry: '../old' },
        { field: 'components', entry: '../c' },
        { field: 'generators', entry: 'gen.yaml' },
        { field: 'transformers', entry: '../t' },
        { field: 'validators', entry: 'v.yaml' },
      ],
    },
    {
      name: 'remote entries when allowed (not followed)',
      yaml: 'resources: [https://example.com/x.yaml, local.yaml]\n',
      policy: allowed,
      refs: [{ field: 'resources', entry: 'local.yaml' }],
    },
    {
      name: 'an inline builtin transformer',
      yaml: 'transformers:\n  - |\n    apiVersion: builtin\n    kind: LabelTransformer\n    metadata: {name: l}\n',
      refs: [],
    },
    {
      name: 'URLs outside path fields (annotations, literals, inline patches)',
      yaml: [
        'commonAnnotations:',
        '  docs: https://example.com/docs',
        'configMapGenerator:',
        '  - name: x',
        '    literals: [url=https://example.com]',
        'patches:',
        '  - patch: |-',
        '      - op: add',
        '        path: /metadata/annotations/x',
        '        value: https://example.com',
        '',
      ].join('\n'),
      refs: [],
    },
    { name: 'a file that is not YAML (left to kustomize)', yaml: 'resources: [\n', refs: [] },
    { name: 'an empty file', yaml: '', refs: [] },
  ];
for (const c of accepted) {
  test(`scanKustomization accepts ${c.name}`, () => {
    const result = scanKustomization(c.yaml, file, c.policy ?? denied);
    assert.ok(result.ok, result.ok ? '' : result.error.message);
    assert.deepEqual(result.value, c.refs);
  });
}

test('scanPluginFile names the kustomization, the entry and the plugin it configures', () => {
  const at = { file, field: 'generators' as const, entry: 'gen.yaml' };
  const builtin = 'apiVersion: builtin\nkind: ConfigMapGenerator\nmetadata: {name: c}\n';
  assert.ok(scanPluginFile(builtin, at).ok);
  const two = `${builtin}---\napiVersion: example.com/v1\nkind: Vault\nmetadata: {name: v}\n`;
  const result = scanPluginFile(two, at);
  assert.equal(result.ok, false);
  if (result.ok) return;
  assert.equal(
    result.error.message,
    `${file}: generators entry gen.yaml (example.com/v1 Vault/v) is an exec or KRM function plugin: only kustomize's builtin generators, transformers and validators run`,
  );
  assert.equal(result.error.data.entry, 'gen.yaml');
});
