/**
 * What no web page in the user's browser may do to the daemon, checked before any route runs:
 *
 * - **DNS rebinding**: on a loopback bind, only loopback host names are served (`localhost`,
 *   `*.localhost`, 127.0.0.0/8, ::1) and those named with `--allowed-host`; a page whose own
 *   name was re-pointed at 127.0.0.1 sends its own name as Host, and is refused.
 * - **Cross-site requests (CSRF)**: a browser names the page that sends a request in `Origin`
 *   (and `Sec-Fetch-Site`). Goose's client sends neither. `/jobs` refuses any browser request and
 *   any body not sent as JSON (a "simple" cross-site POST is `text/plain`); `/api` refuses a change
 *   (POST, PATCH, PUT, DELETE) from an origin that is neither the server's own (the dashboard) nor
 *   one named with `--cors-origin`.
 */
import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';
import { lookup } from 'node:dns/promises';

export interface GuardOptions {
  /** The server listens on loopback only: Host names are checked. */
  readonly loopbackBind: boolean;
  /** Host names served besides the loopback ones (`--allowed-host`). */
  readonly allowedHosts: readonly string[];
  /** Origins allowed to call `/api` from a browser (`--cors-origin`). */
  readonly corsOrigins: readonly string[];
}

export interface Refusal {
  readonly status: 403 | 415;
  readonly code: string;
  readonly message: string;
}

const UNSAFE = new Set(['POST', 'PATCH', 'PUT', 'DELETE']);

/** An IP address in the loopback range (127.0.0.0/8, ::1, and IPv4-mapped 127.x). */
export function isLoopbackAddress(address: string): boolean {
  const ip = address.startsWith('::ffff:') ? address.slice('::ffff:'.length) : address;
  if (isIP(ip) === 4) return ip.split('.')[0] === '127';
  if (isIP(ip) === 6) return ip === '::1' || /^(0{1,4}:){7}0{0,3}1$/.test(ip);
  return false;
}

/** A bind address is loopback if it is a loopback IP, or a name every address of which is. */
export async function bindsLoopbackOnly(host: string): Promise<boolean> {
  const bare = host.replace(/^\[|\]$/g, '');
  if (isIP(bare)) return isLoopbackAddress(bare);
  try {
    const found = await lookup(bare, { all: true });
    return found.length > 0 && found.every((a) => isLoopbackAddress(a.address));
  } catch {
    return false;
  }
}

/** The host name of a Host header, without port or IPv6 brackets, lower case. */
export function hostName(header: string): string {
  const h = header.trim().toLowerCase();
  if (h.startsWith('[')) return h.slice(1, h.indexOf(']'));
  const colon = h.lastIndexOf(':');
  return colon >= 0 && h.indexOf(':') === colon ? h.slice(0, colon) : h;
}

function loopbackName(name: string): boolean {
  return name === 'localhost' || name.endsWith('.localhost') || isLoopbackAddress(name);
}

export function hostAllowed(header: string | undefined, opts: GuardOptions): boolean {
  // A request without Host (HTTP/1.0 tools) comes from no browser.
  if (!opts.loopbackBind || header === undefined) return true;
  const name = hostName(header);
  return loopbackName(name) || opts.allowedHosts.some((h) => h.toLowerCase() === name);
}

function isJson(contentType: string | undefined): boolean {
  const type = (contentType ?? '').split(';', 1)[0]!.trim().toLowerCase();
  return type === 'application/json' || (type.startsWith('application/') && type.endsWith('+json'));
}

/** Why a request must not be served, or null. */
export function refusal(req: IncomingMessage, jobs: boolean, opts: GuardOptions): Refusal | null {
  if (!hostAllowed(req.headers.host, opts))
    return {
      status: 403,
      code: 'host_not_allowed',
      message: `host '${req.headers.host}' is not served here: use localhost or 127.0.0.1 (or name it with --allowed-host)`,
    };
  const origin = req.headers.origin;
  const site = req.headers['sec-fetch-site'];
  const browser = origin !== undefined || site !== undefined;
  if (jobs) {
    // Goose's client is no browser: a browser here is a web page trying to schedule an agent.
    if (browser)
      return {
        status: 403,
        code: 'browser_refused',
        message: '/jobs is for Goose, not for web pages: a request from a browser is refused',
      };
    if (req.method === 'POST' && !isJson(req.headers['content-type']))
      return {
        status: 415,
        code: 'unsupported_media_type',
        message: 'send the body as JSON, with Content-Type: application/json',
      };
    return null;
  }
  if (!UNSAFE.has(req.method ?? '') || !browser) return null;
  const self = req.headers.host
    ? [`http://${req.headers.host}`, `https://${req.headers.host}`]
    : [];
  const named = origin !== undefined && [...self, ...opts.corsOrigins].includes(origin);
  const sameOrigin = site === 'same-origin' && (origin === undefined || named);
  if (named || sameOrigin) return null;
  return {
    status: 403,
    code: 'origin_not_allowed',
    message: `a change from ${origin ?? `a ${site} page`} is refused: only this server's own pages and the origins named with --cors-origin may change anything`,
  };
}
