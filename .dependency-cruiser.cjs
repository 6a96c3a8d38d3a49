/**
 * The layer arrows of src/, checked by `npm run lint` (depcruise src --config .dependency-cruiser.cjs).
 *
 *   domain     src/domain/**                      pure: domain + croner, cronstrue, yaml, zod
 *   contract   src/engines/{contract,ports}.ts,   the engine contract: domain + itself
 *              src/engines/contract/**
 *   engines    src/engines/{embedded,temporal}/** engine implementations
 *   adapters   src/adapters/**                    I/O adapters
 *   services   src/services/**                    use cases
 *   views      src/views/**                       pure presentation
 *   root       src/*.ts, src/app/**               composition (app, config, version, …)
 *   faces      src/{cli,http,web}/**              what users touch
 *
 * One rule per forbidden arrow. Rules are disjoint (one bad import is reported by one rule), and
 * every rule has a planted violation in scripts/check-arrows.mjs: a new rule needs a new plant.
 */
'use strict';

const DOMAIN = '^src/domain/';
const CONTRACT = '^src/engines/(?:contract|ports|feed)[.]ts$|^src/engines/contract/';
const ENGINES = '^src/engines/(?:embedded|temporal)/';
const ADAPTERS = '^src/adapters/';
const SERVICES = '^src/services/';
const VIEWS = '^src/views/';
// Every file directly in src/ is composition (app.ts, config.ts, version.ts, …), as is src/app/**.
const ROOT = '^src/[^/]+$|^src/app/';
const FACES = '^src/(?:cli|http|web)/';

const NPM = [
  'npm',
  'npm-dev',
  'npm-optional',
  'npm-peer',
  'npm-bundled',
  'npm-no-pkg',
  'npm-unknown',
];
// The only npm packages pure code (domain, views) may use: no I/O in any of them.
const PURE_PACKAGES = '(?:^|/)node_modules/(?:croner|cronstrue|yaml|zod)/';
const DRIVERS = '(?:^|/)node_modules/(?:better-sqlite3|@temporalio/[^/]+)/';

const forbidden = [
  {
    name: 'no-circular',
    severity: 'error',
    comment:
      'no-circular: no import cycles in src/, type-only imports and dynamic import() included. ' +
      'Break the cycle: move the shared piece down a layer (domain, contract, a port) or pass it in ' +
      'as an argument instead of importing back.',
    from: { path: '^src/' },
    to: { circular: true },
  },
  {
    name: 'not-to-unresolvable',
    severity: 'error',
    comment:
      'not-to-unresolvable: every import in src/ must resolve, or the layer rules cannot see it. ' +
      'Fix the specifier (a relative import of x.ts is written ./x.js) or add the package.',
    from: { path: '^src/' },
    to: { couldNotResolve: true },
  },

  // domain: pure
  {
    name: 'domain-only-domain',
    severity: 'error',
    comment:
      'domain-only-domain: src/domain/** imports only src/domain/**. Move what it needs into the ' +
      'domain, or let the caller pass it in (a value, a function, a port implemented outside).',
    from: { path: DOMAIN },
    to: { path: '^src/', pathNot: DOMAIN },
  },
  {
    name: 'domain-no-node-core',
    severity: 'error',
    comment:
      'domain-no-node-core: src/domain/** does no I/O, so no node core modules (fs, path, node:*). ' +
      'Do the I/O in an adapter and hand the domain plain values (time, text, ids) as arguments.',
    from: { path: DOMAIN },
    to: { dependencyTypes: ['core'] },
  },
  {
    name: 'domain-npm-allowlist',
    severity: 'error',
    comment:
      'domain-npm-allowlist: src/domain/** may use only the npm packages croner, cronstrue, yaml ' +
      'and zod. Use the package from an adapter (I/O, drivers) or a face, or extend the list in ' +
      '.dependency-cruiser.cjs if the package is pure.',
    from: { path: DOMAIN },
    to: { dependencyTypes: NPM, pathNot: PURE_PACKAGES },
  },

  // the engine contract
  {
    name: 'contract-only-domain',
    severity: 'error',
    comment:
      'contract-only-domain: the engine contract (src/engines/contract.ts, ports.ts, contract/**) ' +
      'imports only src/domain/** and itself: no npm, no node core, no other layer. Put the type ' +
      'it needs in the domain or in the contract.',
    from: { path: CONTRACT },
    to: { pathNot: [DOMAIN, CONTRACT] },
  },

  // engine implementations
  {
    name: 'engines-not-each-other',
    severity: 'error',
    comment:
      'engines-not-each-other: src/engines/embedded/** and src/engines/temporal/** never import ' +
      'each other. Move the shared code to the domain, the contract or an adapter.',
    from: { path: '^src/engines/(embedded|temporal)/' },
    to: { path: ENGINES, pathNot: '^src/engines/$1/' },
  },
  {
    name: 'engines-not-to-services-or-views',
    severity: 'error',
    comment:
      'engines-not-to-services-or-views: an engine implementation never imports src/services/** ' +
      'or src/views/**; services call engines, not the reverse. Depend on the contract or a port ' +
      'that the root wires in.',
    from: { path: ENGINES },
    to: { path: [SERVICES, VIEWS] },
  },
  {
    name: 'engines-not-to-faces',
    severity: 'error',
    comment:
      'engines-not-to-faces: an engine implementation never imports src/cli, src/http or src/web. ' +
      'Move what it needs to the domain, the contract or an adapter.',
    from: { path: ENGINES },
    to: { path: FACES },
  },
  {
    name: 'engines-not-to-root',
    severity: 'error',
    comment:
      'engines-not-to-root: an engine implementation never imports the root (src/*.ts, src/app/**). ' +
      'The root wires the engine: take the value (config, clock, logger) as a constructor argument.',
    from: { path: ENGINES },
    to: { path: ROOT },
  },

  // adapters
  {
    name: 'adapters-not-to-engines',
    severity: 'error',
    comment:
      'adapters-not-to-engines: src/adapters/** never imports an engine implementation ' +
      '(src/engines/embedded, src/engines/temporal). Import the contract/ports it implements, or ' +
      'move the shared code into an adapter or the domain.',
    from: { path: ADAPTERS },
    to: { path: ENGINES },
  },
  {
    name: 'adapters-not-to-services-or-views',
    severity: 'error',
    comment:
      'adapters-not-to-services-or-views: src/adapters/** never imports src/services/** or ' +
      'src/views/**. Services use adapters; put the shared type in the domain or the contract.',
    from: { path: ADAPTERS },
    to: { path: [SERVICES, VIEWS] },
  },
  {
    name: 'adapters-not-to-faces',
    severity: 'error',
    comment:
      'adapters-not-to-faces: src/adapters/** never imports src/cli, src/http or src/web. Move the ' +
      'shared code down (domain, adapter) and let the face import it.',
    from: { path: ADAPTERS },
    to: { path: FACES },
  },
  {
    name: 'adapters-not-to-root',
    severity: 'error',
    comment:
      'adapters-not-to-root: src/adapters/** never imports the root (src/*.ts, src/app/**). Take ' +
      'the value (config, paths, logger) as an argument that the root passes in.',
    from: { path: ADAPTERS },
    to: { path: ROOT },
  },

  // services
  {
    name: 'services-not-to-engines',
    severity: 'error',
    comment:
      'services-not-to-engines: src/services/** never imports an engine implementation ' +
      '(src/engines/embedded, src/engines/temporal). Use the engine contract ' +
      '(src/engines/contract.ts, ports.ts); the root picks the engine.',
    from: { path: SERVICES },
    to: { path: ENGINES },
  },
  {
    name: 'services-not-to-faces',
    severity: 'error',
    comment:
      'services-not-to-faces: src/services/** never imports src/cli, src/http or src/web. Faces ' +
      'call services; move the shared code into the service, a view or the domain.',
    from: { path: SERVICES },
    to: { path: FACES },
  },
  {
    name: 'services-not-to-root',
    severity: 'error',
    comment:
      'services-not-to-root: src/services/** never imports the root (src/*.ts, src/app/**), not ' +
      'even a type from config.ts. Take the values as constructor arguments (a narrow options ' +
      'type in the service or the domain).',
    from: { path: SERVICES },
    to: { path: ROOT },
  },

  // views
  {
    name: 'views-no-node-core',
    severity: 'error',
    comment:
      'views-no-node-core: src/views/** is pure presentation, so no node core modules (fs, path, ' +
      'node:*). Do the I/O in an adapter or service and pass the values in.',
    from: { path: VIEWS },
    to: { dependencyTypes: ['core'] },
  },
  {
    name: 'views-npm-allowlist',
    severity: 'error',
    comment:
      'views-npm-allowlist: src/views/** may use only the pure npm packages croner, cronstrue, ' +
      'yaml and zod. Use anything else from a face, or extend the list if the package is pure.',
    from: { path: VIEWS },
    to: { dependencyTypes: NPM, pathNot: PURE_PACKAGES },
  },
  {
    name: 'views-not-to-adapters',
    severity: 'error',
    comment:
      'views-not-to-adapters: src/views/** never imports src/adapters/**. Shape what a service or ' +
      'the domain returns; let the service call the adapter.',
    from: { path: VIEWS },
    to: { path: ADAPTERS },
  },
  {
    name: 'views-not-to-engines',
    severity: 'error',
    comment:
      'views-not-to-engines: src/views/** never imports an engine implementation ' +
      '(src/engines/embedded, src/engines/temporal). Use the contract types.',
    from: { path: VIEWS },
    to: { path: ENGINES },
  },
  {
    name: 'views-not-to-faces',
    severity: 'error',
    comment:
      'views-not-to-faces: src/views/** never imports src/cli, src/http or src/web. Faces use ' +
      'views; move the shared shape into the view.',
    from: { path: VIEWS },
    to: { path: FACES },
  },
  {
    name: 'views-not-to-root',
    severity: 'error',
    comment:
      'views-not-to-root: src/views/** never imports the root (src/*.ts, src/app/**). Take the ' +
      'values as arguments.',
    from: { path: VIEWS },
    to: { path: ROOT },
  },

  // root
  {
    name: 'root-not-to-faces',
    severity: 'error',
    comment:
      'root-not-to-faces: the root (src/*.ts, src/app/**) never imports src/cli, src/http or ' +
      'src/web; faces start the app, not the reverse. Move the shared code into the root, a ' +
      'service or the domain.',
    from: { path: ROOT },
    to: { path: FACES },
  },

  // faces
  {
    name: 'faces-not-to-adapters',
    severity: 'error',
    comment:
      'faces-not-to-adapters: src/cli, src/http and src/web never import src/adapters/**. Call a ' +
      'service, or get the wired object from the root (src/app.ts).',
    from: { path: FACES },
    to: { path: ADAPTERS },
  },
  {
    name: 'faces-not-to-engines',
    severity: 'error',
    comment:
      'faces-not-to-engines: src/cli, src/http and src/web never import src/engines/** (neither an ' +
      'implementation nor the contract). Go through a service (src/services) or the root; put ' +
      'the types a face shows in the domain or a view.',
    from: { path: FACES },
    to: { path: '^src/engines/' },
  },
  {
    name: 'faces-no-drivers',
    severity: 'error',
    comment:
      'faces-no-drivers: src/cli, src/http and src/web never import a driver (better-sqlite3, ' +
      '@temporalio/*). Call a service; the driver belongs in an adapter or an engine.',
    from: { path: FACES },
    to: { dependencyTypes: NPM, path: DRIVERS },
  },
  {
    name: 'http-not-to-cli',
    severity: 'error',
    comment:
      'http-not-to-cli: src/http never imports src/cli. Move the shared code (flag parsing, ' +
      'rendering) into a service, a view or the domain.',
    from: { path: '^src/http/' },
    to: { path: '^src/cli/' },
  },
  {
    name: 'web-only-public-api',
    severity: 'error',
    comment:
      'web-only-public-api: the dashboard (web/) is a client of the public REST API and imports ' +
      'nothing from src/; its API types are generated from the OpenAPI document into ' +
      'web/src/api/schema.d.ts (tsx scripts/gen-api-types.mjs).',
    from: { path: '^web/' },
    to: { path: '^src/' },
  },
  {
    name: 'cli-to-http-only-via-server',
    severity: 'error',
    comment:
      'cli-to-http-only-via-server: src/cli imports the HTTP face only through ' +
      'src/http/server.ts (the serve command starts it). Export what you need from server.ts, or ' +
      'move it into a service or view.',
    from: { path: '^src/cli/' },
    to: { path: '^src/http/', pathNot: '^src/http/server[.]ts$' },
  },
];

module.exports = {
  forbidden,
  options: {
    // Type-only imports (`import type`) count: a type import is still an arrow.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    doNotFollow: { path: 'node_modules' },
    // ./x.js resolves to x.ts (dependency-cruiser retries .js as .ts, as tsc does); the package
    // subpaths (hono/cors, …) need the exports field.
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      mainFields: ['module', 'main', 'types', 'typings'],
    },
    skipAnalysisNotInRules: true,
  },
};
