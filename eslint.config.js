// Type-aware lint, plus the dependency direction of DESIGN.md:
// tui -> engine -> protocol <- server, lib is a leaf, and nothing imports cli.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const layer = (dir, forbidden, packages = []) => ({
  files: [`src/${dir}/**/*.ts`, `src/${dir}/**/*.tsx`],
  rules: {
    'no-restricted-imports': [
      'error',
      {
        patterns: [
          ...forbidden.map((other) => ({
            group: [`**/${other}/*`, `**/${other}`],
            message: `src/${dir} must not import src/${other} (see DESIGN.md, dependency direction).`,
          })),
          ...packages.map((name) => ({
            group: [name, `${name}/*`],
            message: `src/${dir} must not depend on ${name} (see DESIGN.md).`,
          })),
        ],
      },
    ],
  },
});

export default tseslint.config(
  { ignores: ['node_modules/**', 'src/protocol/gen/**', 'coverage/**', 'dist/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: {
          allowDefaultProject: ['*.js', 'bin/*.js', 'scripts/*.js', 'test/cli/fixtures/*.js'],
        },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-floating-promises': 'error',
    },
  },
  layer('lib', ['protocol', 'engine', 'server', 'tui', 'cli']),
  layer(
    'protocol',
    ['engine', 'server', 'tui', 'cli'],
    ['node:fs', 'node:net', 'node:dgram', '@matrixai/quic'],
  ),
  layer('engine', ['server', 'tui', 'cli'], ['ink', 'react']),
  layer('server', ['engine', 'tui', 'cli'], ['ink', 'react']),
  layer('tui', ['server', 'cli']),
  // Plain JS (this config, the bins) is not type-checked, so type-aware rules would only see `any`.
  { files: ['**/*.js'], ...tseslint.configs.disableTypeChecked },
  {
    files: ['**/*.test.ts', '**/*.test.tsx', 'test/**', 'bench/**'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/unbound-method': 'off',
    },
  },
);
