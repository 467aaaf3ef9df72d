// Errors as OpenAI's API returns them: an HTTP status and {"error": {message, type, param, code}}.
// Every bad request, whatever found it (the JSON parser, the schema, a handler), leaves as one.
export type ErrorType = 'invalid_request_error' | 'authentication_error' | 'not_found_error' | 'rate_limit_error' | 'server_error';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly type: ErrorType = 'invalid_request_error',
    readonly param: string | null = null,
    readonly code: string | null = null,
    readonly extra: Record<string, unknown> = {}, // more fields of the error object (Azure's innererror)
  ) {
    super(message);
  }

  get body(): { error: { message: string; type: ErrorType; param: string | null; code: string | null } } {
    return { error: { message: this.message, type: this.type, param: this.param, code: this.code, ...this.extra } };
  }
}

export const badRequest = (message: string, param: string | null = null, code: string | null = null) =>
  new ApiError(400, message, 'invalid_request_error', param, code);
