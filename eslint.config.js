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
    // CommonJS config files (.dependency-cruiser.cjs): module.exports, require.
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
  },
  // The layer arrows (domain purity, faces vs adapters/engines, …) are checked by
  // dependency-cruiser: .dependency-cruiser.cjs, proven by scripts/check-arrows.mjs.
);
