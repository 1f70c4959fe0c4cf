// Karma runs the unit tests in the same Chromium the e2e tests use: headless, and
// without the sandbox because CI runs as root. Coverage thresholds fail the run.
process.env.CHROME_BIN ||= '/usr/bin/chromium';

module.exports = function (config) {
  config.set({
    basePath: '',
    frameworks: ['jasmine'],
    plugins: [
      require('karma-jasmine'),
      require('karma-chrome-launcher'),
      require('karma-coverage'),
    ],
    client: { jasmine: { random: true }, clearContext: false },
    coverageReporter: {
      dir: require('path').join(__dirname, './coverage'),
      subdir: '.',
      reporters: [{ type: 'text-summary' }, { type: 'lcovonly' }],
      check: { global: { lines: 90 } },
    },
    reporters: ['progress', 'coverage'],
    browsers: ['ChromeHeadlessCI'],
    customLaunchers: {
      ChromeHeadlessCI: {
        base: 'ChromeHeadless',
        flags: [
          '--no-sandbox',
          '--disable-gpu',
          '--disable-dev-shm-usage',
          '--disable-background-networking',
          '--disable-component-update',
          '--disable-sync',
          '--no-first-run',
        ],
      },
    },
    singleRun: true,
    restartOnFileChange: false,
  });
};
