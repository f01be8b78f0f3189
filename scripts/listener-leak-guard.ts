// A setup file of every test project: a `MaxListenersExceededWarning` (Node's sign that listeners
// pile up on one emitter, the usual shape of a listener leak) fails the run where it happens instead
// of scrolling past as a line on stderr.
process.on('warning', (warning) => {
  if (warning.name === 'MaxListenersExceededWarning') {
    throw new Error(`A listener leak: ${warning.message}\n${warning.stack ?? ''}`);
  }
});
