/**
 * Thrown inside a handler to end a modern-era round: the host answers `input_required`. It crosses
 * the worker and process boundary as its own kind of error (see wireErrors).
 */
export class InputRequiredSignal extends Error {
  constructor() {
    super('input required from the client (the request will be retried with the answers)');
    this.name = 'InputRequiredSignal';
  }
}
