/**
 * The web dashboard (web/, built into dist/web): its files, read once into memory, served at `/`.
 * Only the built files are served (no path is ever joined onto a directory), page paths get the
 * app's index.html, and every HTML answer carries a CSP that lets the page talk to this server only.
 */
import { gzipSync } from 'node:zlib';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Hono } from 'hono';
import { getMimeType } from 'hono/utils/mime';

export type DashboardAssets = ReadonlyMap<string, Asset>;

interface Asset {
  readonly body: Buffer;
  readonly gzip: Buffer | null;
  readonly type: string;
}

/** The pages of the dashboard (client-side routes): each answers with the app. */
const PAGE =
  /^\/(?:$|overview$|schedules(?:\/[^/]+(?:\/edit)?)?$|runs(?:\/[^/]+)?$|recipes$|templates(?:\/[^/]+)?$)/;

const CSP = [
  "default-src 'self'",
  "connect-src 'self'",
  "img-src 'self' data:",
  "style-src 'self'",
  "script-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

export function webRoot(): string {
  return fileURLToPath(new URL('../web/', import.meta.url));
}

/** The built files by URL path (`/index.html`, `/assets/…`); empty when the dashboard is not built. */
export function loadAssets(root: string = webRoot()): Map<string, Asset> {
  const assets = new Map<string, Asset>();
  if (!existsSync(root)) return assets;
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const file = join(dir, name);
      if (statSync(file).isDirectory()) walk(file);
      else {
        const body = readFileSync(file);
        const type = getMimeType(name) ?? 'application/octet-stream';
        const compressible = /^(text\/|application\/(javascript|json)|image\/svg)/.test(type);
        assets.set('/' + relative(root, file).split(sep).join('/'), {
          body,
          gzip: compressible && body.length > 1024 ? gzipSync(body) : null,
          type,
        });
      }
    }
  };
  walk(root);
  return assets;
}

export function serveDashboard(web: Hono, assets: DashboardAssets): void {
  const index = assets.get('/index.html');
  web.get('*', async (c, next) => {
    const path = c.req.path;
    const asset = path.startsWith('/assets/') ? assets.get(path) : PAGE.test(path) ? index : null;
    if (!asset) return next();
    const gzip = asset.gzip && /\bgzip\b/.test(c.req.header('accept-encoding') ?? '');
    const headers: Record<string, string> = {
      'content-type': asset.type,
      'x-content-type-options': 'nosniff',
      'cache-control': asset === index ? 'no-cache' : 'public, max-age=31536000, immutable',
      vary: 'accept-encoding',
    };
    if (asset === index) {
      headers['content-security-policy'] = CSP;
      headers['referrer-policy'] = 'no-referrer';
      headers['x-frame-options'] = 'DENY';
    }
    if (gzip) headers['content-encoding'] = 'gzip';
    return c.body(new Uint8Array(gzip ? asset.gzip! : asset.body), 200, headers);
  });
}
