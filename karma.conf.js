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
    // In file order: the home page's specs share one document, and a focus test that
    // runs right after some of the signed-out store front's specs finds the focus on
    // <body> (it passes alone and in file order; the e2e suite checks focus in a real
    // page). Random order stays off until that interference is found.
    client: { jasmine: { random: false }, clearContext: false },
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
