// The registry client against a real registry on loopback: tags over several pages, basic auth,
// a wrong password, an address the policy denies.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createAddressPolicy } from '../notify/index.ts';
import { pushTags } from '../../test/helpers/crane.ts';
import { startTestRegistry, type TestRegistry } from '../../test/helpers/registry.ts';
import { parseImageName } from './reference.ts';
import { createRegistryClient, type RegistryAddressPolicy } from './registry.ts';

const policyResult = createAddressPolicy({});
assert.ok(policyResult.ok);
const policy: RegistryAddressPolicy = policyResult.value;
const client = createRegistryClient(policy);
const scan = (extra: Partial<Parameters<typeof client.listTags>[1]> = {}) => ({
  insecure: true,
  signal: AbortSignal.timeout(30_000),
  now: () => new Date(),
  ...extra,
});
const name = (text: string) => {
  const parsed = parseImageName(text);
  assert.ok(parsed.ok);
  return parsed.value;
};

let open: TestRegistry;
let locked: TestRegistry;
const credentials = { username: 'ci', password: 's3cret' };
before(async () => {
  open = await startTestRegistry();
  locked = await startTestRegistry({ auth: credentials });
  await pushTags(open.host, 'app', ['1.0.0', '1.1.0', '1.2.0', '1.3.0-rc.1', '2.0.0']);
  await pushTags(locked.host, 'team/app', ['0.1.0', '0.2.0'], credentials);
});
after(async () => {
  await client.close();
  await open?.close();
  await locked?.close();
});

test('tags over more than one page (?n=2 and the Link header) are all found', async () => {
  const tags = await client.listTags(name(`${open.host}/app`), scan({ pageSize: 2 }));
  assert.ok(tags.ok, tags.ok ? '' : tags.error.message);
  assert.deepEqual([...tags.value].sort(), ['1.0.0', '1.1.0', '1.2.0', '1.3.0-rc.1', '2.0.0']);
});

test('a tag has a sha256 digest', async () => {
  const digest = await client.digestOf(name(`${open.host}/app`), '1.2.0', scan());
  assert.ok(digest.ok, digest.ok ? '' : digest.error.message);
  assert.match(digest.value, /^sha256:[0-9a-f]{64}$/);
});

test('basic auth: the right password lists, none and a wrong one are Unauthorized, naming the image', async () => {
  const image = name(`${locked.host}/team/app`);
  const right = await client.listTags(image, scan({ credentials }));
  assert.ok(right.ok, right.ok ? '' : right.error.message);
  assert.deepEqual([...right.value].sort(), ['0.1.0', '0.2.0']);
  const none = await client.listTags(image, scan());
  assert.equal(none.ok ? '' : none.error.code, 'Unauthorized');
  if (!none.ok) assert.match(none.error.message, /needs credentials/);
  const wrong = await client.listTags(
    image,
    scan({ credentials: { username: 'ci', password: 'nope' } }),
  );
  assert.equal(wrong.ok ? '' : wrong.error.code, 'Unauthorized');
  if (!wrong.ok) {
    assert.match(
      wrong.error.message,
      new RegExp(`^${locked.host}/team/app: the registry refused the credentials`),
    );
    assert.doesNotMatch(wrong.error.message, /nope/);
  }
});

test('an unknown repository is NotFound; a denied address is refused before connecting', async () => {
  const missing = await client.listTags(name(`${open.host}/nothing`), scan());
  assert.equal(missing.ok ? '' : missing.error.code, 'NotFound');
  const denied = createAddressPolicy({ deniedRanges: ['127.0.0.0/8'] });
  assert.ok(denied.ok);
  const guarded = createRegistryClient(denied.value);
  const refused = await guarded.listTags(name(`${open.host}/app`), scan());
  await guarded.close();
  assert.equal(refused.ok ? '' : refused.error.code, 'AddressDenied');
});
