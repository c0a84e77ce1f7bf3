// ESLint for the map's sources, its build script and its tests (`npm run lint`; `npm run build`
// lints first).
import js from '@eslint/js';
import globals from 'globals';

export default [
  {ignores: ['node_modules/']},
  js.configs.recommended,
  {
    files: ['src/**/*.js'],
    languageOptions: {ecmaVersion: 2022, sourceType: 'module', globals: globals.browser},
  },
  {
    files: ['build.mjs', 'eslint.config.js', 'test/**/*.js'],
    languageOptions: {ecmaVersion: 2022, sourceType: 'module', globals: globals.node},
  },
  {
    rules: {
      'no-unused-vars': ['error', {argsIgnorePattern: '^_'}],
      'eqeqeq': 'error',
      'no-var': 'error',
      'prefer-const': 'error',
      'no-implied-eval': 'error',
      'no-eval': 'error',
    },
  },
];
