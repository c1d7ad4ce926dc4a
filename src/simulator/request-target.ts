/** The path and query of a request line, as `new URL(target, "http://host")` would give them. */
export interface RequestTarget {
  readonly pathname: string;
  readonly searchParams: URLSearchParams;
}

// Paths made of these characters, with no dot segment and no leading `//`, come out of WHATWG URL
// parsing unchanged (`%` is left out: `%2e` segments are dot segments to the URL parser).
const PLAIN_PATH = /^\/[A-Za-z0-9_.\-/]*$/;
// Printable ASCII minus what the special-scheme query percent-encode set escapes (space " # ' < >):
// URLSearchParams reads such a query exactly as `url.searchParams` would.
const PLAIN_QUERY = /^[!$-&(-;=?-~]*$/;

/**
 * Parses a request target. The tap's requests (`/api/acme/reports/abc/runs?page=2`) take a fast path
 * that skips the full URL parser (a few µs on every request); anything else goes through `new URL`,
 * so both agree on every input.
 */
export function parseRequestTarget(target: string): RequestTarget {
  const mark = target.indexOf("?");
  const path = mark < 0 ? target : target.slice(0, mark);
  // With its "?": URLSearchParams drops one leading "?", so a query that itself starts with "?" stays whole.
  const search = mark < 0 ? "" : target.slice(mark);
  if (PLAIN_PATH.test(path) && !path.startsWith("//") && !path.includes("/.") && PLAIN_QUERY.test(search)) {
    return { pathname: path, searchParams: new URLSearchParams(search) };
  }
  const url = new URL(target, "http://simulator.invalid");
  return { pathname: url.pathname, searchParams: url.searchParams };
}
