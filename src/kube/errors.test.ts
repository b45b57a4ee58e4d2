import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  codeForStatus,
  errorFromException,
  errorFromResponse,
  errorFromWatchStatus,
} from './errors.ts';

test('HTTP statuses map to the codes callers branch on', () => {
  const table: [number, string | undefined, string][] = [
    [400, 'BadRequest', 'Invalid'],
    [401, 'Unauthorized', 'Unauthorized'],
    [403, 'Forbidden', 'Forbidden'],
    [404, 'NotFound', 'NotFound'],
    [409, 'Conflict', 'Conflict'],
    [409, 'AlreadyExists', 'Conflict'],
    [410, 'Expired', 'Expired'],
    [410, 'Gone', 'Expired'],
    [422, 'Invalid', 'Invalid'],
    [429, 'TooManyRequests', 'Unavailable'],
    [500, 'InternalError', 'Unavailable'],
    [503, 'ServiceUnavailable', 'Unavailable'],
    [504, 'Timeout', 'Timeout'],
    [418, undefined, 'Failed'],
  ];
  const typedPatch =
    'failed to create typed patch object (ns/a; /v1, Kind=ConfigMap): .data.a: expected string';
  assert.equal(
    codeForStatus(500, undefined, typedPatch),
    'Invalid',
    'an object that does not fit the schema',
  );
  for (const [status, reason, code] of table) {
    assert.equal(codeForStatus(status, reason), code, `${status} ${reason ?? ''}`);
  }
});

test('an immutable-field error keeps the server message, reason and field causes', () => {
  const status = {
    kind: 'Status',
    apiVersion: 'v1',
    status: 'Failure',
    message:
      'Deployment.apps "web" is invalid: spec.selector: Invalid value: {"matchLabels":{"app":"other"}}: field is immutable',
    reason: 'Invalid',
    details: {
      name: 'web',
      group: 'apps',
      kind: 'Deployment',
      causes: [
        {
          reason: 'FieldValueInvalid',
          message: 'Invalid value: field is immutable',
          field: 'spec.selector',
        },
      ],
    },
    code: 422,
  };
  const e = errorFromResponse('apply', 'Deployment.apps/prod/web', 422, JSON.stringify(status));
  assert.equal(e.code, 'Invalid');
  assert.equal(e.name, 'KubeError');
  assert.match(
    e.message,
    /^apply Deployment\.apps\/prod\/web: Deployment\.apps "web" is invalid: spec\.selector: .*field is immutable$/,
  );
  assert.equal(e.data.reason, 'Invalid');
  assert.equal(e.data.status, 422);
  assert.deepEqual(e.data.causes, [
    {
      reason: 'FieldValueInvalid',
      message: 'Invalid value: field is immutable',
      field: 'spec.selector',
    },
  ]);
});

test('field causes the server message leaves out are appended to the message', () => {
  const body = {
    message: 'Widget "a" is invalid',
    reason: 'Invalid',
    details: { causes: [{ field: 'spec.size', message: 'must be >= 1' }] },
  };
  const e = errorFromResponse('apply', 'Widget.example.com/ns/a', 422, body);
  assert.equal(
    e.message,
    'apply Widget.example.com/ns/a: Widget "a" is invalid; spec.size: must be >= 1',
  );
});

test('a non-JSON error body is kept, trimmed, in the message', () => {
  const e = errorFromResponse('get', 'ConfigMap/ns/a', 502, '  Bad Gateway\n');
  assert.equal(e.code, 'Unavailable');
  assert.equal(e.message, 'get ConfigMap/ns/a: Bad Gateway');
});

test('a watch ERROR event with 410 is Expired, so the caller lists again', () => {
  const e = errorFromWatchStatus('watch', 'ConfigMap in namespace ns', {
    kind: 'Status',
    status: 'Failure',
    message: 'too old resource version: 1 (5000)',
    reason: 'Expired',
    code: 410,
  });
  assert.equal(e.code, 'Expired');
  assert.equal(e.message, 'watch ConfigMap in namespace ns: too old resource version: 1 (5000)');
});

test('requests with no answer: timeout, abort, refused connection, bad certificate', () => {
  const refused = Object.assign(new TypeError('fetch failed'), {
    cause: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }),
  });
  const badCert = Object.assign(new TypeError('fetch failed'), {
    cause: Object.assign(new Error('self-signed certificate'), {
      code: 'DEPTH_ZERO_SELF_SIGNED_CERT',
    }),
  });
  const timeout = errorFromException('get', 'ConfigMap/ns/a', new Error('x'), {
    aborted: false,
    timedOutMs: 50,
  });
  assert.equal(timeout.code, 'Timeout');
  assert.equal(timeout.message, 'get ConfigMap/ns/a: no answer within 50ms');
  assert.equal(
    errorFromException('get', 'ConfigMap/ns/a', new Error('x'), { aborted: true }).code,
    'Aborted',
  );
  const unavailable = errorFromException('list', 'ConfigMap (all namespaces)', refused, {
    aborted: false,
  });
  assert.equal(unavailable.code, 'Unavailable');
  assert.match(
    unavailable.message,
    /^list ConfigMap \(all namespaces\): fetch failed: connect ECONNREFUSED .*\(ECONNREFUSED\)$/,
  );
  assert.equal(errorFromException('get', 'x', badCert, { aborted: false }).code, 'Failed');
});
