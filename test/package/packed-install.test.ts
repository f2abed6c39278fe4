import { describe, expect, it } from 'vitest';
import {
  BYOK_PACKAGES,
  installProject,
  PACKAGE_NAME,
  type PackedProject,
  packPackage,
  runScript,
  tested,
} from './packed-projects.ts';

// The packed package in fresh consumer projects, as users install it: a routing-only project has
// none of the optional packages; a BYOK project adds @infisical/sdk, @anthropic-ai/sdk and openai.
// Packing and installing need npm and its registry; without them the file is skipped, saying why.
// Installs are kept under os.tmpdir() between runs (see packed-projects.ts), so only the first run
// takes a minute.

let setupProblem: string | undefined;
let routingOnly: PackedProject | undefined;
let byok: PackedProject | undefined;
try {
  const tarball = packPackage();
  routingOnly = installProject('routing-only', tarball, []);
  byok = installProject(
    'byok',
    tarball,
    BYOK_PACKAGES.map((name) => tested(name)),
  );
} catch (error) {
  setupProblem = (error as Error).message.split('\n').slice(0, 3).join(' ');
}
if (setupProblem)
  console.warn(`packed-install tests skipped: cannot pack or install the package (${setupProblem})`);

const TIMEOUT_MS = 120_000;

/** Runs a consumer script and returns the JSON line it printed last. */
function run(project: PackedProject | undefined, file: string, source: string): Record<string, unknown> {
  if (!project) throw new Error('no project');
  const result = runScript(project, file, source);
  const last = result.stdout.trim().split('\n').at(-1) ?? '';
  if (result.status !== 0 || !last.startsWith('{')) {
    throw new Error(`${file} exited with ${result.status}:\n${result.stdout}\n${result.stderr}`);
  }
  return JSON.parse(last) as Record<string, unknown>;
}

const routeOneCall = (load: string) => `
${load}
const litellm = await startLiteLLMServer({ apiKey: 'sk-consumer' });
const router = createRouter({ gateways: { litellm: { baseURL: litellm.baseURL, apiKey: 'sk-consumer' } } });
try {
  const reply = await router.chat({ messages: [{ role: 'user', content: 'hello' }] });
  const chats = litellm.requests.filter((request) => request.path === '/v1/chat/completions').length;
  console.log(JSON.stringify({ text: reply.text, gateway: reply.route.gateway, chats }));
} finally {
  await router.close();
  await litellm.close();
}
`;

/** What creating an Infisical cipher and checking an Anthropic key throw, as JSON. */
const missingPackages = (load: string) => `
${load}
const describe = (error) => ({
  name: error.name,
  isInstance: MissingDependencyError.isInstance(error),
  packageName: error.packageName,
  feature: error.feature,
  message: error.message,
});
const outcome = {};
try {
  createInfisicalCipher({ siteUrl: 'http://127.0.0.1:9', clientId: 'id', clientSecret: 'secret', keyId: '6b1b8d1c-0b5e-4d4c-9d0e-2f9f2b0b5a11' });
  outcome.infisical = 'created';
} catch (error) {
  outcome.infisical = describe(error);
}
const validator = createKeyValidator({ baseURLs: { anthropic: 'http://127.0.0.1:9', google: 'http://127.0.0.1:9' } });
await validator.validate({ provider: 'anthropic', apiKey: new SecretKey('sk-ant-0000000000000000') }).then(
  (result) => { outcome.anthropic = result; },
  (error) => { outcome.anthropic = describe(error); },
);
// Fetch-based providers need no SDK: an unreachable port is a plain "unverified".
outcome.google = await validator.validate({ provider: 'google', apiKey: new SecretKey('AIza0000000000000000000') });
console.log(JSON.stringify(outcome));
`;

const ESM_KEYS = `import { MissingDependencyError, SecretKey } from '${PACKAGE_NAME}';\nimport { createInfisicalCipher, createKeyValidator } from '${PACKAGE_NAME}/keys';`;
const CJS_KEYS = `const { MissingDependencyError, SecretKey } = require('${PACKAGE_NAME}');\nconst { createInfisicalCipher, createKeyValidator } = require('${PACKAGE_NAME}/keys');`;

/** A vault on the loopback Infisical KMS, with Anthropic keys checked against a loopback provider. */
const byokRoundTrip = (load: string) => `
${load}
const infisical = await startInfisicalServer();
const kmsKey = infisical.createKey();
const anthropic = await startProviderKeyServer({ provider: 'anthropic', keys: { 'sk-ant-good-0000000000000000': 'valid' } });
const vault = createKeyVault({
  cipher: createInfisicalCipher({ siteUrl: infisical.siteUrl, ...infisical.identity, keyId: kmsKey.id }),
  store: createMemoryKeyRecordStore(),
  validator: createKeyValidator({ baseURLs: { anthropic: anthropic.baseURL } }),
});
try {
  const added = await vault.add({ provider: 'anthropic', user: 'alice', apiKey: 'sk-ant-good-0000000000000000' });
  const resolved = await vault.resolve({ user: 'alice', provider: 'anthropic' });
  console.log(JSON.stringify({
    status: added.status,
    sameKey: resolved?.apiKey.reveal() === 'sk-ant-good-0000000000000000',
    encrypts: infisical.requestsTo('encrypt').length,
    decrypts: infisical.requestsTo('decrypt').length,
  }));
} finally {
  await vault.close();
  await anthropic.close();
  await infisical.close();
}
`;

describe.skipIf(setupProblem !== undefined)('the packed package in a fresh project', () => {
  // Until the gateway transport stops importing `openai`, the root entry needs it: this test then
  // fails with "Cannot find package 'openai'", which is the regression it is here to catch.
  it(
    'routes a call with none of the optional packages installed',
    () => {
      const result = run(
        routingOnly,
        'route.mjs',
        routeOneCall(
          `import { createRouter } from '${PACKAGE_NAME}';\nimport { startLiteLLMServer } from '${PACKAGE_NAME}/testing';`,
        ),
      );
      expect(result).toEqual({ text: 'echo: hello', gateway: 'litellm', chats: 1 });
    },
    TIMEOUT_MS,
  );

  it.each([
    ['ES module', 'missing.mjs', ESM_KEYS],
    ['CommonJS', 'missing.cjs', `${CJS_KEYS}\n(async () => {`],
  ])(
    'without the BYOK packages, names the package to install (%s)',
    (_kind, file, load) => {
      const source = file.endsWith('.cjs')
        ? `${missingPackages(load)}})().catch((error) => { console.error(error); process.exit(1); });`
        : missingPackages(load);
      const outcome = run(routingOnly, file, source);
      expect(outcome.infisical).toEqual({
        name: 'MissingDependencyError',
        isInstance: true,
        packageName: '@infisical/sdk',
        feature: 'The Infisical cipher',
        message:
          'The Infisical cipher needs the optional package `@infisical/sdk`: npm i @infisical/sdk@5.0.2',
      });
      expect(outcome.anthropic).toEqual({
        name: 'MissingDependencyError',
        isInstance: true,
        packageName: '@anthropic-ai/sdk',
        feature: 'Anthropic key validation',
        message:
          'Anthropic key validation needs the optional package `@anthropic-ai/sdk`: npm i @anthropic-ai/sdk@^1.14',
      });
      expect(outcome.google).toEqual({ status: 'unverified', reason: 'network' });
    },
    TIMEOUT_MS,
  );

  it.each([
    [
      'ES module',
      'byok.mjs',
      `import { createInfisicalCipher, createKeyValidator, createKeyVault, createMemoryKeyRecordStore } from '${PACKAGE_NAME}/keys';\nimport { startInfisicalServer, startProviderKeyServer } from '${PACKAGE_NAME}/testing';`,
    ],
    [
      'CommonJS',
      'byok.cjs',
      `const { createInfisicalCipher, createKeyValidator, createKeyVault, createMemoryKeyRecordStore } = require('${PACKAGE_NAME}/keys');\nconst { startInfisicalServer, startProviderKeyServer } = require('${PACKAGE_NAME}/testing');\n(async () => {`,
    ],
  ])(
    'with the BYOK packages installed, stores and reads a key through Infisical (%s)',
    (_kind, file, load) => {
      const source = file.endsWith('.cjs')
        ? `${byokRoundTrip(load)}})().catch((error) => { console.error(error); process.exit(1); });`
        : byokRoundTrip(load);
      expect(run(byok, file, source)).toEqual({ status: 'active', sameKey: true, encrypts: 1, decrypts: 1 });
    },
    TIMEOUT_MS,
  );
});
