import { Client, Connection } from '@temporalio/client';
import { EnvironmentError } from '../../domain/errors.js';
import { SEARCH_ATTRIBUTES } from './names.js';

export interface TemporalTarget {
  readonly address: string;
  readonly namespace: string;
  readonly taskQueue: string;
  readonly tls?: {
    readonly serverName?: string;
    readonly caFile?: string;
    readonly certFile?: string;
    readonly keyFile?: string;
  } | null;
  readonly apiKey?: string | null;
}

export interface TemporalLink {
  readonly connection: Connection;
  readonly client: Client;
  readonly target: TemporalTarget;
}

const CONNECT_TIMEOUT_MS = 5_000;

/** TLS and API key, the same for the client and the worker's native connection. */
export function securityOptions(target: TemporalTarget, readFile: (p: string) => Buffer) {
  const tls = target.tls
    ? {
        ...(target.tls.serverName ? { serverNameOverride: target.tls.serverName } : {}),
        ...(target.tls.caFile ? { serverRootCACertificate: readFile(target.tls.caFile) } : {}),
        ...(target.tls.certFile && target.tls.keyFile
          ? {
              clientCertPair: {
                crt: readFile(target.tls.certFile),
                key: readFile(target.tls.keyFile),
              },
            }
          : {}),
      }
    : undefined;
  return {
    ...(tls ? { tls } : target.apiKey ? { tls: true as const } : {}),
    ...(target.apiKey ? { apiKey: target.apiKey } : {}),
  };
}

function connectionOptions(target: TemporalTarget, readFile: (p: string) => Buffer) {
  return {
    address: target.address,
    connectTimeout: CONNECT_TIMEOUT_MS,
    ...securityOptions(target, readFile),
  };
}

/**
 * Connects and checks what goose-flow needs: the server answers, the namespace exists, and the
 * search attributes are registered. Each failure says where and how to fix it; none hangs.
 */
export async function connectTemporal(
  target: TemporalTarget,
  readFile: (p: string) => Buffer,
): Promise<TemporalLink> {
  let connection: Connection;
  try {
    connection = await Connection.connect(connectionOptions(target, readFile));
  } catch (err) {
    throw new EnvironmentError(
      'temporal_unreachable',
      `cannot reach Temporal at ${target.address} (${firstLine(err)}). Start one with ` +
        '`temporal server start-dev`, or run `goose-flow serve --engine temporal` without ' +
        '--temporal-address and goose-flow starts a dev server itself',
      { address: target.address },
      err,
    );
  }
  try {
    await checkNamespace(connection, target);
    await checkSearchAttributes(connection, target);
  } catch (err) {
    await connection.close();
    throw err;
  }
  const client = new Client({ connection, namespace: target.namespace });
  return { connection, client, target };
}

/** True once a dev server answers (used while waiting for one to start). */
export async function answers(address: string): Promise<boolean> {
  const connection = await Connection.connect({ address, connectTimeout: 1_000 });
  try {
    await connection.workflowService.getSystemInfo({});
    return true;
  } finally {
    await connection.close();
  }
}

async function checkNamespace(connection: Connection, target: TemporalTarget): Promise<void> {
  try {
    await connection.workflowService.describeNamespace({ namespace: target.namespace });
  } catch (err) {
    if ((err as { code?: number }).code === 5) {
      throw new EnvironmentError(
        'namespace_missing',
        `namespace '${target.namespace}' does not exist on ${target.address}; create it with ` +
          `\`temporal operator namespace create --namespace ${target.namespace}\` or pass --namespace`,
        { namespace: target.namespace, address: target.address },
      );
    }
    throw new EnvironmentError(
      'temporal_unreachable',
      `Temporal at ${target.address} did not describe namespace '${target.namespace}': ${firstLine(err)}`,
      { address: target.address },
      err,
    );
  }
}

async function checkSearchAttributes(
  connection: Connection,
  target: TemporalTarget,
): Promise<void> {
  const { customAttributes } = await connection.operatorService.listSearchAttributes({
    namespace: target.namespace,
  });
  const missing = SEARCH_ATTRIBUTES.filter((name) => !(name in (customAttributes ?? {})));
  if (missing.length === 0) return;
  const how = missing
    .map(
      (name) =>
        `temporal operator search-attribute create --namespace ${target.namespace} --name ${name} --type Keyword`,
    )
    .join('; ');
  throw new EnvironmentError(
    'search_attribute_missing',
    `search attribute${missing.length > 1 ? 's' : ''} ${missing.join(', ')} not registered in namespace ` +
      `'${target.namespace}' on ${target.address}; register with: ${how}`,
    { missing, namespace: target.namespace },
  );
}

function firstLine(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).split('\n')[0] ?? '';
}
