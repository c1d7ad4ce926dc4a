export { ModeClient, type StreamResponse } from "./client.js";
export type { HttpStats, ModeClientOptions, Page, PageRequest, RequestSpec } from "./types.js";
export {
  AuthenticationError,
  FatalApiError,
  ForbiddenError,
  isFatal,
  isRetriable,
  isSkippable,
  MalformedResponseError,
  ModeApiError,
  NotFoundError,
  PaginationLoopError,
  RetriesExhaustedError,
  TimeoutError,
  TransientApiError,
  type ErrorKind,
} from "./errors.js";
