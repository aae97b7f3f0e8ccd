// A failure of `npm start`, `npm test` or `npm run worker` that the person who
// ran it can act on. `sentence` says what went wrong and what to do; `details`
// (the output of the step that failed) come before it, so the last line printed
// is always that sentence and never a stack.
class StartError extends Error {
  constructor(sentence, details = '') {
    const trimmed = details.trimEnd();
    super(trimmed ? `${trimmed}\n${sentence}` : sentence);
    this.name = 'StartError';
    this.sentence = sentence;
    this.details = trimmed;
  }
}

/** What to print for any failure: a StartError as it is, anything else as its message and one sentence. */
function failureText(error, command) {
  if (error instanceof StartError) return error.message;
  const message = error instanceof Error ? error.message : String(error);
  return `${message}\n${command} failed unexpectedly: run it again, and if it fails the same way report it with the lines above.`;
}

/** Prints the failure to stderr and ends the process with exit code 1. */
function exitWithFailure(error, command) {
  process.stderr.write(`${failureText(error, command)}\n`);
  process.exit(1);
}

module.exports = { StartError, exitWithFailure, failureText };
