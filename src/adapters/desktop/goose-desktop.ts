import { spawn, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { parse } from 'yaml';
import type { Desktop } from '../../engines/ports.js';

/** Is the Goose desktop app (an Electron app named "Goose") running on this machine? */
function desktopRunning(): boolean {
  if (process.platform === 'darwin') {
    return spawnSync('pgrep', ['-f', 'Goose.app'], { encoding: 'utf8' }).stdout.trim() !== '';
  }
  if (process.platform !== 'linux') return false;
  // Goose's Linux packages install the app as `Goose` (deb/rpm) or `goose-desktop`; the CLI is
  // `goose`, which must not count.
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      const argv0 = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')[0] ?? '';
      if (['Goose', 'goose-desktop'].includes(basename(argv0))) return true;
    } catch {
      // The process ended while we looked.
    }
  }
  return false;
}

/** The platform's handler for `goose://` links, run without a shell. */
function openerFor(url: string): { command: string; args: string[] } {
  if (process.platform === 'darwin') return { command: 'open', args: [url] };
  if (process.platform === 'win32') return { command: 'explorer.exe', args: [url] };
  return { command: 'xdg-open', args: [url] };
}

export const gooseDesktop: Desktop = {
  isRunning: desktopRunning,
  open: (url) =>
    new Promise((resolve, reject) => {
      const { command, args } = openerFor(url);
      const child = spawn(command, args, { stdio: 'ignore', shell: false });
      child.once('error', (err) => reject(new Error(`${command}: ${err.message}`)));
      child.once('exit', (code) =>
        code === 0 ? resolve() : reject(new Error(`${command} exited with code ${code}`)),
      );
    }),
};

/** The recipe of a snapshot file as an object (the desktop link carries it whole). */
export function readRecipeObject(file: string): Record<string, unknown> {
  const value = parse(readFileSync(file, 'utf8')) as unknown;
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
}
