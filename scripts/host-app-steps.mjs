// The README's "Add it to your app", read as steps a machine can follow: `npm run test:host-app`
// (host-app-check.mjs) applies them to the `ng new` app in e2e/host-app and nothing else, so the
// guide cannot drift from what works. Each step is an HTML comment the reader does not see,
// `<!-- host-app: ACTION [TARGET] -->`, followed by the code block it applies.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const GUIDE_HEADING = '## Add it to your app';

const ACTIONS = ['install', 'copy', 'write', 'merge', 'run'];

/** Packages every Angular app has from `ng new`; the guide installs only what comes on top. */
const NG_NEW_PACKAGES = /^(@angular\/[a-z-]+|rxjs|tslib)$/;

/**
 * @typedef {{ action: 'install' | 'copy' | 'write' | 'merge' | 'run', target: string, code: string }} GuideStep
 */

/**
 * The steps of the guide section, in order. Throws on a marker with an unknown action, one not
 * followed by a code block, or a missing section: a guide the check cannot follow fails loudly.
 *
 * @param {string} readme the whole README
 * @returns {GuideStep[]}
 */
export function readGuide(readme) {
  const start = readme.indexOf(`\n${GUIDE_HEADING}\n`);
  if (start < 0) throw new Error(`The README has no "${GUIDE_HEADING}" section.`);
  const end = readme.indexOf('\n## ', start + GUIDE_HEADING.length + 2);
  const lines = readme.slice(start, end < 0 ? undefined : end).split('\n');
  const steps = [];
  for (let i = 0; i < lines.length; i++) {
    const marker = /^\s*<!-- host-app: (\S+)(?: (.*?))? -->\s*$/.exec(lines[i]);
    if (!marker) continue;
    const [, action, target = ''] = marker;
    if (!ACTIONS.includes(action)) {
      throw new Error(`Unknown host-app step "${action}" (known: ${ACTIONS.join(', ')}).`);
    }
    let open = i + 1;
    while (open < lines.length && lines[open].trim() === '') open++;
    const fence = /^(\s*)```\w*\s*$/.exec(lines[open] ?? '');
    if (!fence) throw new Error(`The host-app step "${action} ${target}" has no code block.`);
    const indent = fence[1].length;
    const close = lines.findIndex((line, index) => index > open && /^\s*```\s*$/.test(line));
    if (close < 0) throw new Error(`The code block of "${action} ${target}" is not closed.`);
    const code = lines
      .slice(open + 1, close)
      .map((line) => line.slice(Math.min(indent, line.length - line.trimStart().length)))
      .join('\n');
    steps.push({ action, target: target.trim(), code: `${code}\n` });
    i = close;
  }
  if (!steps.length) throw new Error(`"${GUIDE_HEADING}" has no host-app steps.`);
  return steps;
}

/**
 * The packages (`name@range`) of the guide's `npm install` line.
 *
 * @param {string} code
 * @returns {Map<string, string>}
 */
export function installedPackages(code) {
  const command = code
    .split('\n')
    .map((line) => line.trim())
    .find((line) => line.startsWith('npm install '));
  if (!command) throw new Error('The install step has no "npm install" line.');
  const packages = new Map();
  for (const word of command.split(/\s+/).slice(2)) {
    if (word.startsWith('-')) continue;
    const at = word.lastIndexOf('@');
    if (at <= 0) throw new Error(`"${word}" in the install step has no version.`);
    packages.set(word.slice(0, at), word.slice(at + 1));
  }
  return packages;
}

/**
 * The npm packages a folder's code imports (static and dynamic), by package name. Specs and
 * `testing/` are left out: they are the folder's tests, not what an app runs.
 *
 * @param {string} folder
 * @returns {Set<string>}
 */
export function importedPackages(folder) {
  const packages = new Set();
  for (const file of readdirSync(folder, { recursive: true, encoding: 'utf8' })) {
    if (!/\.(ts|js|mjs)$/.test(file) || /\.spec\.ts$/.test(file)) continue;
    if (file.split(/[\\/]/).includes('testing')) continue;
    const text = readFileSync(join(folder, file), 'utf8');
    for (const [, specifier] of text.matchAll(/(?:from|import\()\s*'([^'.][^']*)'/g)) {
      const parts = specifier.split('/');
      packages.add(specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]);
    }
  }
  return packages;
}

/**
 * What is wrong with the install step, as sentences (none when it is right): it must name exactly
 * the versions this repository is tested with, and every package the folder imports beyond what
 * `ng new` installs.
 *
 * @param {Map<string, string>} installed from installedPackages
 * @param {Record<string, string>} dependencies package.json's
 * @param {Set<string>} imported from importedPackages
 * @param {string} folder for the sentences
 */
export function installProblems(installed, dependencies, imported, folder) {
  const problems = [];
  for (const [name, range] of installed) {
    if (dependencies[name] !== range) {
      problems.push(
        `The guide installs ${name}@${range}, but package.json has ${name} ${dependencies[name] ?? '(none)'}.`,
      );
    }
  }
  for (const name of imported) {
    if (!NG_NEW_PACKAGES.test(name) && !installed.has(name)) {
      problems.push(`${folder} imports ${name}, which the guide's install step does not install.`);
    }
  }
  return problems;
}

/**
 * Lays the guide's `angular.json` keys over every project's build options, as a reader pasting
 * them would: arrays are appended to, other values replaced.
 *
 * @param {any} angularJson parsed
 * @param {Record<string, unknown>} keys parsed from the merge step
 */
export function mergeBuildOptions(angularJson, keys) {
  const projects = Object.values(angularJson.projects ?? {});
  if (!projects.length) throw new Error('angular.json has no project to add the build keys to.');
  for (const project of projects) {
    const options = project.architect?.build?.options;
    if (!options) throw new Error('A project in angular.json has no build options.');
    for (const [key, value] of Object.entries(keys)) {
      options[key] =
        Array.isArray(value) && Array.isArray(options[key]) ? [...options[key], ...value] : value;
    }
  }
  return angularJson;
}
