// One jest run for every package. ESM throughout: @noble/* v2 ship ESM only, so jest runs
// with --experimental-vm-modules (see the root package.json) and ts-jest emits ESM.
// Type checking is done once by `tsc` in `pnpm test`, so ts-jest only transpiles.
const packages = {
  core: 'conduits',
  crypto: 'crypto',
  'protocols-inet': 'protocols-inet',
  netsim: 'netsim',
  'protocols-ipsec': 'protocols-ipsec',
  seccomm: 'seccomm',
  'protocols-isakmp': 'protocols-isakmp',
  cli: 'cli',
  proactive: 'proactive',
  group: 'group',
};
const moduleNameMapper = { '^(\\.{1,2}/.*)\\.js$': '$1' };
for (const [name, dir] of Object.entries(packages)) {
  moduleNameMapper[`^@conduits/${name}$`] = `<rootDir>/packages/${dir}/src/index.ts`;
  moduleNameMapper[`^@conduits/${name}/testing$`] =
    `<rootDir>/packages/${dir}/src/testing/index.ts`;
  moduleNameMapper[`^@conduits/${name}/bench$`] = `<rootDir>/packages/${dir}/src/bench/measure.ts`;
  moduleNameMapper[`^@conduits/${name}/codec$`] = `<rootDir>/packages/${dir}/src/codec/index.ts`;
  moduleNameMapper[`^@conduits/${name}/internal$`] =
    `<rootDir>/packages/${dir}/src/internal/index.ts`;
}

/** @type {import('jest').Config} */
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper,
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, diagnostics: false }],
  },
  testMatch: ['<rootDir>/packages/*/test/**/*.test.ts'],
  // Carrier checks: use after release, double release and leaked carriers fail the test.
  setupFilesAfterEnv: ['<rootDir>/packages/conduits/test/setup/carrier-checks.ts'],
  testPathIgnorePatterns: [
    '/node_modules/',
    process.env.CONDUITS_FUZZ ? '^$' : '\\.fuzz\\.test\\.ts$',
  ],
};
