// Preloaded (`node --expose-gc --import …/gc-on-signal.mjs`) into server children whose memory the
// bench measures: SIGUSR2 runs full GCs, then reports process.memoryUsage() on stderr as one line
// `bench-gc {…}` (the parent waits for it before reading VmRSS).
process.on('SIGUSR2', () => {
  // Two passes: the first may only queue finalizers/weak callbacks that free more on the second.
  globalThis.gc?.();
  setImmediate(() => {
    globalThis.gc?.();
    process.stderr.write(`bench-gc ${JSON.stringify(process.memoryUsage())}\n`);
  });
});
