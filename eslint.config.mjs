import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import globals from 'globals';
import tseslint from 'typescript-eslint';

// The dependency rules of the source folders (architecture: "Dependencies point one way"): auth → users →
// roles, sessions, tokens → audit → common; infrastructure (config, database, cache) knows no feature module;
// metrics and common import no feature module. A relative import that climbs out of a folder names the folder
// it lands in, so each rule forbids the folders a folder may not reach. Specs beside the code are exempt.
const FEATURES = ['audit', 'roles', 'sessions', 'tokens', 'users', 'auth'];
const APPS = ['health', 'cli', 'admin-console'];
const DEPENDENCY_RULES = {
  common: ['config', 'database', 'cache', 'metrics', ...FEATURES, ...APPS],
  config: ['database', 'cache', 'metrics', ...FEATURES, ...APPS],
  database: ['cache', 'metrics', ...FEATURES, ...APPS],
  cache: ['database', 'metrics', ...FEATURES, ...APPS],
  metrics: ['database', ...FEATURES, ...APPS],
  audit: ['roles', 'sessions', 'tokens', 'users', 'auth', ...APPS],
  roles: ['sessions', 'tokens', 'users', 'auth', ...APPS],
  sessions: ['roles', 'tokens', 'users', 'auth', ...APPS],
  tokens: ['roles', 'sessions', 'users', 'auth', ...APPS],
  users: ['auth', ...APPS],
  auth: APPS,
  health: [...FEATURES, 'metrics', 'cli', 'admin-console'],
  'admin-console': ['database', 'cache', 'metrics', ...FEATURES, 'health', 'cli'],
};
const dependencyRules = Object.entries(DEPENDENCY_RULES).map(([folder, forbidden]) => ({
  files: [`src/${folder}/**/*.ts`],
  ignores: ['**/*.spec.ts'],
  rules: {
    'no-restricted-imports': [
      'error',
      {
        patterns: [
          {
            regex: `^(\\.\\./)+(${forbidden.join('|')})/`,
            message: `src/${folder} may not depend on ${forbidden.join(', ')} (see the dependency rules in README.md's architecture section).`,
          },
        ],
      },
    ],
  },
}));

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'data/**', 'coverage/**', '.build-*/**', 'client/generated/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  prettier,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'error',
    },
  },
  {
    files: ['web/**'],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    files: ['bench/**', 'test/**', 'scripts/**'],
    rules: { 'no-console': 'off' },
  },
  ...dependencyRules,
  // Each failure is a named class in its module's errors file, so the code, status and message of one
  // failure are written once and a caller can catch it by its class.
  {
    files: ['**/*.ts'],
    ignores: ['**/*.errors.ts', 'src/common/errors/**'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "NewExpression[callee.name='DomainError']",
          message:
            "Throw a typed error: add a subclass of DomainError to the module's *.errors.ts (src/<module>/<module>.errors.ts) and use it.",
        },
      ],
    },
  },
);
