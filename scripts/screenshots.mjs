// `npm run screenshots`: runs the e2e suite with page screenshots going to docs/screenshots, the
// folder the README shows. (A plain `npm test` takes none: they cost time and nothing checks them.)
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const result = spawnSync(join(root, 'node_modules/.bin/playwright'), ['test'], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, SCREENSHOT_DIR: join(root, 'docs/screenshots') },
});
process.exit(result.status ?? 1);
