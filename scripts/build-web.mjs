// `npm run build:web`: the admin console (web/) built by Vite into dist/web, which the service serves at /admin/,
// then its initial JavaScript checked against the size budget (scripts/web-size.mjs).
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const config = 'web/vite.config.ts';

if (!existsSync(config)) {
  process.stdout.write(`No ${config}: the admin console is not part of this checkout; skipped.\n`);
} else {
  // Vite from the console's own dependencies when it has them, else from the project's.
  const vite = ['web/node_modules/vite/bin/vite.js', 'node_modules/vite/bin/vite.js'].find((p) =>
    existsSync(p),
  );
  if (!vite) {
    process.stderr.write('Vite is not installed: run npm install first.\n');
    process.exit(1);
  }
  process.stdout.write('Building the admin console...\n');
  execFileSync(process.execPath, [vite, 'build', '--config', config, '--logLevel', 'warn'], {
    stdio: 'inherit',
  });
  execFileSync(process.execPath, ['scripts/web-size.mjs'], { stdio: 'inherit' });
}
