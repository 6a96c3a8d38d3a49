import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.tools/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
    },
  },
  {
    // The domain is pure: no I/O, no drivers, no SDKs. Time and the world come in as arguments.
    files: ['src/domain/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['node:*', 'fs', 'child_process', 'os', 'path', 'net', 'http'],
              message: 'domain/ must not do I/O',
            },
            {
              group: ['better-sqlite3', '@temporalio/*', 'commander'],
              message: 'domain/ must not import drivers or faces',
            },
            {
              group: ['../adapters/*', '../services/*', '../engines/*', '../cli/*'],
              message: 'domain/ depends on nothing outside itself',
            },
          ],
        },
      ],
    },
  },
  {
    // Faces call services; they never reach into the store or an engine.
    files: ['src/cli/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/adapters/sqlite/*', 'better-sqlite3'],
              message: 'faces call services, not the store',
            },
          ],
        },
      ],
    },
  },
);
