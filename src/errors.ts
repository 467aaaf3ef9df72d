// One error type for everything a user can get wrong (bad files, bad flags, bad configs).
// The CLI prints its message without a stack trace and exits non-zero.
export class WrenError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WrenError';
  }
}
