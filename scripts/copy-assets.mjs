// Copies non-TypeScript assets (SQL migrations) next to the compiled code.
import { cpSync, chmodSync } from 'node:fs';

cpSync('src/adapters/sqlite/migrations', 'dist/adapters/sqlite/migrations', { recursive: true });
chmodSync('dist/cli/main.js', 0o755);
chmodSync('dist/cli/temporal-service.js', 0o755);
cpSync('src/adapters/process/keeper.bash', 'dist/adapters/process/keeper.bash');
