/** Dependencies point one way: adapters → commands → service → db (STYLE.md). */
module.exports = {
  forbidden: [
    {
      name: 'db-is-the-bottom',
      severity: 'error',
      from: { path: '^src/db/' },
      to: { path: '^src/(service|commands|adapters)/' },
    },
    {
      name: 'service-knows-no-commands-or-adapters',
      severity: 'error',
      from: { path: '^src/service/' },
      to: { path: '^src/(commands|adapters)/' },
    },
    {
      name: 'commands-know-no-adapters',
      severity: 'error',
      from: { path: '^src/commands/' },
      to: { path: '^src/adapters/' },
    },
    {
      name: 'adapters-never-touch-the-database',
      severity: 'error',
      from: { path: '^src/adapters/' },
      to: { path: '^src/db/' },
    },
    {
      name: 'adapters-stay-apart',
      severity: 'error',
      from: { path: '^src/adapters/([^/]+)/' },
      to: { path: '^src/adapters/', pathNot: ['^src/adapters/$1/', '^src/adapters/http/'] },
    },
    {
      name: 'only-main-reads-config',
      severity: 'error',
      from: { path: '^src/', pathNot: ['^src/(main|app|config)\\.ts$'] },
      to: { path: '^src/config\\.ts$' },
    },
    { name: 'migrations-import-no-app-code', severity: 'error', from: { path: '^migrations/' }, to: { path: '^src/' } },
    { name: 'no-cycles', severity: 'error', from: {}, to: { circular: true } },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js'] },
  },
};
