// Proves the layer rules in .dependency-cruiser.cjs: for every rule, a tiny planted tree with one
// forbidden import must be reported by exactly that rule, and a clean tree that uses every allowed
// arrow must report nothing. A rule without a plant fails too, so a new rule needs a new plant.
// (`npm run lint` checks the real src/ with the depcruise CLI just before this.)
/* global process, console, structuredClone */
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, posix, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cruise } from 'dependency-cruiser';
import extractDepcruiseOptions from 'dependency-cruiser/config-utl/extract-depcruise-options';
import extractTSConfig from 'dependency-cruiser/config-utl/extract-ts-config';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const CONFIG = join(ROOT, '.dependency-cruiser.cjs');

// ---- how a plant is written ------------------------------------------------------------------

/** A file importing `specifiers` (relative ones computed from src paths); `type: true` = type-only. */
function file(path, imports = []) {
  const lines = imports.map(({ to, type }, i) => {
    const spec = to.startsWith('src/') ? relativeSpecifier(path, to) : to;
    return type
      ? `import type * as m${i} from '${spec}';\nexport type T${i} = typeof m${i};`
      : `import * as m${i} from '${spec}';\nexport { m${i} };`;
  });
  lines.push(`export const here = ${JSON.stringify(path)};`);
  return { path, text: lines.join('\n') + '\n' };
}

function relativeSpecifier(from, to) {
  let rel = posix.relative(posix.dirname(from), to).replace(/\.ts$/, '.js');
  if (!rel.startsWith('.')) rel = './' + rel;
  return rel;
}

/** One forbidden arrow: `from` imports `to` (a src path, a package or a node core module). */
function arrow(rule, from, to, options = {}) {
  const files = [file(from, [{ to, type: options.type }])];
  if (to.startsWith('src/')) files.push(file(to));
  return { rule, files };
}

// ---- one plant per rule ----------------------------------------------------------------------

const PLANTS = [
  {
    rule: 'no-circular',
    // a type-only cycle inside one layer: nothing but no-circular may fire
    files: [
      file('src/domain/a.ts', [{ to: 'src/domain/b.ts', type: true }]),
      file('src/domain/b.ts', [{ to: 'src/domain/a.ts', type: true }]),
    ],
  },
  {
    rule: 'not-to-unresolvable',
    files: [file('src/services/x.ts', [{ to: './missing.js' }])],
  },
  arrow('domain-only-domain', 'src/domain/x.ts', 'src/adapters/y.ts'),
  arrow('domain-no-node-core', 'src/domain/x.ts', 'node:fs'),
  arrow('domain-npm-allowlist', 'src/domain/x.ts', 'pino', { type: true }),
  arrow('contract-only-domain', 'src/engines/contract.ts', 'src/adapters/clock.ts', { type: true }),
  arrow('engines-not-each-other', 'src/engines/temporal/x.ts', 'src/engines/embedded/y.ts'),
  arrow('engines-not-to-services-or-views', 'src/engines/embedded/x.ts', 'src/services/y.ts'),
  arrow('engines-not-to-faces', 'src/engines/temporal/x.ts', 'src/http/y.ts'),
  arrow('engines-not-to-root', 'src/engines/embedded/x.ts', 'src/config.ts', { type: true }),
  arrow('adapters-not-to-engines', 'src/adapters/x.ts', 'src/engines/embedded/y.ts'),
  arrow('adapters-not-to-services-or-views', 'src/adapters/x.ts', 'src/views/y.ts'),
  arrow('adapters-not-to-faces', 'src/adapters/x.ts', 'src/cli/y.ts'),
  arrow('adapters-not-to-root', 'src/adapters/x.ts', 'src/config.ts', { type: true }),
  arrow('services-not-to-engines', 'src/services/x.ts', 'src/engines/temporal/y.ts'),
  arrow('services-not-to-faces', 'src/services/x.ts', 'src/web/y.ts'),
  arrow('services-not-to-root', 'src/services/x.ts', 'src/config.ts', { type: true }),
  arrow('views-no-node-core', 'src/views/x.ts', 'node:path'),
  arrow('views-npm-allowlist', 'src/views/x.ts', 'commander'),
  arrow('views-not-to-adapters', 'src/views/x.ts', 'src/adapters/y.ts'),
  arrow('views-not-to-engines', 'src/views/x.ts', 'src/engines/embedded/y.ts', { type: true }),
  arrow('views-not-to-faces', 'src/views/x.ts', 'src/http/y.ts'),
  arrow('views-not-to-root', 'src/views/x.ts', 'src/app/y.ts'),
  arrow('root-not-to-faces', 'src/app.ts', 'src/cli/y.ts'),
  arrow('faces-not-to-adapters', 'src/cli/x.ts', 'src/adapters/y.ts'),
  arrow('faces-not-to-engines', 'src/http/x.ts', 'src/engines/contract.ts', { type: true }),
  arrow('faces-no-drivers', 'src/cli/x.ts', 'better-sqlite3'),
  arrow('http-not-to-cli', 'src/http/x.ts', 'src/cli/y.ts'),
  arrow('web-only-public-api', 'web/src/x.ts', 'src/views/y.ts', { type: true }),
  arrow('cli-to-http-only-via-server', 'src/cli/x.ts', 'src/http/y.ts'),
];

// Every allowed arrow once (value and type-only imports): must report no violation at all.
const CLEAN = [
  file('src/domain/a.ts', [
    { to: 'src/domain/b.ts' },
    { to: 'croner' },
    { to: 'cronstrue' },
    { to: 'yaml' },
    { to: 'zod', type: true },
  ]),
  file('src/domain/b.ts'),
  file('src/engines/contract.ts', [
    { to: 'src/domain/b.ts', type: true },
    { to: 'src/engines/ports.ts' },
  ]),
  file('src/engines/ports.ts', [{ to: 'src/domain/a.ts', type: true }]),
  file('src/engines/contract/more.ts', [{ to: 'src/engines/contract.ts', type: true }]),
  file('src/engines/embedded/engine.ts', [
    { to: 'src/engines/embedded/driver.ts' },
    { to: 'src/engines/contract.ts', type: true },
    { to: 'src/adapters/store.ts' },
    { to: 'src/domain/a.ts' },
    { to: 'better-sqlite3', type: true },
    { to: 'node:fs' },
  ]),
  file('src/engines/embedded/driver.ts', [{ to: 'src/engines/ports.ts', type: true }]),
  file('src/engines/temporal/engine.ts', [
    { to: 'src/engines/temporal/worker.ts' },
    { to: 'src/engines/contract.ts', type: true },
    { to: 'src/adapters/store.ts' },
    { to: '@temporalio/client', type: true },
  ]),
  file('src/engines/temporal/worker.ts', [{ to: 'node:os' }]),
  file('src/adapters/store.ts', [
    { to: 'src/adapters/clock.ts' },
    { to: 'src/engines/ports.ts', type: true },
    { to: 'src/domain/a.ts' },
    { to: 'better-sqlite3' },
    { to: 'node:path' },
  ]),
  file('src/adapters/clock.ts'),
  file('src/services/runs.ts', [
    { to: 'src/services/logs.ts' },
    { to: 'src/adapters/store.ts' },
    { to: 'src/engines/contract.ts', type: true },
    { to: 'src/domain/b.ts' },
    { to: 'src/views/json.ts', type: true },
  ]),
  file('src/services/logs.ts', [{ to: 'node:fs' }]),
  file('src/views/json.ts', [
    { to: 'src/views/cursors.ts' },
    { to: 'src/domain/a.ts' },
    { to: 'src/engines/contract.ts', type: true },
    { to: 'cronstrue' },
  ]),
  file('src/views/cursors.ts', [{ to: 'src/services/logs.ts', type: true }]),
  file('src/app.ts', [
    { to: 'src/config.ts', type: true },
    { to: 'src/version.ts' },
    { to: 'src/app/temporal.ts' },
    { to: 'src/engines/embedded/engine.ts' },
    { to: 'src/adapters/store.ts' },
    { to: 'src/services/runs.ts' },
    { to: 'src/views/json.ts' },
    { to: 'node:fs' },
    { to: 'pino' },
  ]),
  file('src/app/temporal.ts', [
    { to: 'src/engines/temporal/engine.ts' },
    { to: 'src/config.ts', type: true },
  ]),
  file('src/config.ts', [{ to: 'yaml' }, { to: 'zod' }]),
  file('src/version.ts'),
  file('src/cli/main.ts', [
    { to: 'src/cli/render.ts' },
    { to: 'src/http/server.ts' },
    { to: 'src/app.ts' },
    { to: 'src/services/runs.ts', type: true },
    { to: 'src/views/json.ts' },
    { to: 'src/domain/b.ts' },
    { to: 'commander' },
    { to: 'node:process' },
  ]),
  file('src/cli/render.ts'),
  file('src/http/server.ts', [
    { to: 'src/http/routes.ts' },
    { to: 'src/app.ts', type: true },
    { to: 'hono' },
    { to: '@hono/node-server' },
    { to: 'node:http' },
  ]),
  file('src/http/routes.ts', [
    { to: 'src/services/runs.ts' },
    { to: 'src/views/json.ts' },
    { to: '@hono/zod-openapi' },
    { to: 'prom-client' },
  ]),
  // The dashboard: its own modules, its generated API types, and npm packages.
  file('web/src/page.tsx', [
    { to: 'web/src/api/client.ts' },
    { to: 'web/src/api/schema.ts', type: true },
    { to: 'react' },
  ]),
  file('web/src/api/client.ts', [{ to: 'openapi-fetch' }]),
  file('web/src/api/schema.ts'),
];

// ---- running them ----------------------------------------------------------------------------

const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
const baseOptions = await extractDepcruiseOptions(CONFIG);
const ruleNames = baseOptions.ruleSet.forbidden.map((r) => r.name);
const failures = [];
const started = Date.now();
const tmp = mkdtempSync(join(tmpdir(), 'check-arrows-'));

try {
  const planted = new Map(PLANTS.map((p) => [p.rule, p]));
  for (const name of ruleNames) {
    if (!planted.has(name)) failures.push(`rule ${name} has no plant in scripts/check-arrows.mjs`);
  }
  for (const p of PLANTS) {
    if (!ruleNames.includes(p.rule))
      failures.push(`plant for ${p.rule}: no such rule in .dependency-cruiser.cjs`);
  }
  if (new Set(ruleNames).size !== ruleNames.length) failures.push('duplicate rule names');

  const trees = [
    ...PLANTS.filter((p) => ruleNames.includes(p.rule)).map((p) => ({
      name: p.rule,
      files: p.files,
      expect: [p.rule],
    })),
    { name: 'clean tree', files: CLEAN, expect: [] },
  ];
  for (const [i, tree] of trees.entries()) {
    const seen = await cruiseTree(join(tmp, String(i)), tree.files);
    const got = seen.map((v) => v.rule);
    const ok =
      tree.expect.length === 0
        ? got.length === 0
        : got.length > 0 && got.every((r) => r === tree.expect[0]);
    if (!ok) {
      const what = seen.map((v) => `${v.rule}: ${v.from} → ${v.to}`).join('; ') || 'nothing';
      failures.push(
        tree.expect.length === 0
          ? `${tree.name} must report no violation, reported: ${what}`
          : `rule ${tree.name} does not catch its plant (${describe(tree.files)}); reported: ${what}`,
      );
    }
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
}

const seconds = ((Date.now() - started) / 1000).toFixed(1);
if (failures.length > 0) {
  console.error(`check-arrows: ${failures.length} problem(s):`);
  for (const f of failures) console.error(`  - ${f}`);
  process.exit(1);
}
console.log(
  `check-arrows: all ${ruleNames.length} rules catch their plant; the clean tree is clean (${seconds}s)`,
);

async function cruiseTree(dir, files) {
  mkdirSync(dir, { recursive: true });
  for (const f of files) {
    mkdirSync(join(dir, dirname(f.path)), { recursive: true });
    writeFileSync(join(dir, f.path), f.text);
  }
  // Packages resolve as in the project: its node_modules and its dependency lists.
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({
      name: 'plant',
      type: 'module',
      dependencies: pkg.dependencies,
      devDependencies: pkg.devDependencies,
    }),
  );
  const tsConfigFile = join(dir, 'tsconfig.json');
  writeFileSync(
    tsConfigFile,
    JSON.stringify({
      compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext', strict: true },
      include: ['src', 'web'],
    }),
  );
  const options = {
    ...structuredClone(baseOptions),
    baseDir: dir,
    tsConfig: { fileName: tsConfigFile },
  };
  const { output } = await cruise(
    ['src', 'web'].filter((d) => existsSync(join(dir, d))),
    options,
    {},
    { tsConfig: extractTSConfig(tsConfigFile) },
  );
  return output.summary.violations.map((v) => ({ rule: v.rule.name, from: v.from, to: v.to }));
}

function describe(files) {
  return files
    .filter((f) => f.text.includes('import'))
    .map(
      (f) =>
        `${f.path} imports ${[...f.text.matchAll(/from '([^']+)'/g)].map((m) => m[1]).join(', ')}`,
    )
    .join('; ');
}
