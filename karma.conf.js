// Karma for `ng test` (the @angular/build:unit-test builder with runner "karma").
// Chromium comes from the system (Debian's /usr/bin/chromium) or CHROME_BIN: no browser download.
import { createRequire } from 'node:module';
import { CHROMIUM_ARGS, findChromium } from './scripts/chromium.mjs';

const require = createRequire(import.meta.url);
process.env['CHROME_BIN'] = findChromium();

export default function (config) {
  config.set({
    basePath: '',
    frameworks: ['jasmine'],
    plugins: [
      require('karma-jasmine'),
      require('karma-chrome-launcher'),
      require('karma-jasmine-html-reporter'),
      require('karma-coverage'),
    ],
    // A spec without an expectation passes whatever the code does: fail it instead.
    client: { jasmine: { random: true, failSpecWithNoExpectations: true }, clearContext: false },
    jasmineHtmlReporter: { suppressAll: true },
    // One dot per spec and the failures in full: 'progress' redraws a line per spec, which a log
    // (npm test, CI) keeps as a thousand lines of terminal escapes.
    reporters: ['dots'],
    colors: Boolean(process.stdout.isTTY),
    browsers: ['ChromeHeadlessCI'],
    customLaunchers: {
      ChromeHeadlessCI: {
        base: 'ChromeHeadless',
        // Root in a container needs --no-sandbox; the rest keep Chromium off the (closed) network.
        flags: CHROMIUM_ARGS,
      },
    },
    singleRun: true,
    restartOnFileChange: false,
  });
}
