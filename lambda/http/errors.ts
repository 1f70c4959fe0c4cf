/** An error the API answers with its own status and message (docs/design.md "Errors"). */
export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** 400: the request is malformed; nothing was written. */
export class BadRequestError extends HttpError {
  constructor(message: string) {
    super(400, message);
  }
}

/** 401: authToken is missing or not a valid ID token of our issuer and audience. */
export class UnauthorizedError extends HttpError {
  constructor(
    message: string,
    /** Why, for the logs only: the client gets `message`. */
    readonly reason?: string,
  ) {
    super(401, message);
  }
}

/** 404: no pet with that id. */
export class NotFoundError extends HttpError {
  constructor(message: string) {
    super(404, message);
  }
}

/** 409: the pet is sold, or the write was based on a stale catalogue. */
export class ConflictError extends HttpError {
  constructor(message: string) {
    super(409, message);
  }
}

/** 413: the request is more than the route takes; another route does it piece by piece. */
export class PayloadTooLargeError extends HttpError {
  constructor(message: string) {
    super(413, message);
  }
}
