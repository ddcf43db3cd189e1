/**
 * Runs before TensorFlow.js is evaluated (lib/browser.ts imports it first). tfjs-core reads `?tfjsflags=` from
 * the page's URL while its module initialises, before any code of ours could switch that off, and its parser
 * calls decodeURIComponent on every pair, so one bad escape anywhere in a link threw while the page loaded.
 * So the pairs tfjs must not see (tfjsflags, undecodable ones) are taken out of the address first, with
 * history.replaceState, and kept here for the page's notice.
 */
import { withoutUnsafePairs, type QueryProblem } from "../url/query.js";

/** What was removed from the link before tfjs started, each with the reason the notice gives. */
export const linkProblems: readonly QueryProblem[] = clean();

function clean(): QueryProblem[] {
  if (typeof location === "undefined" || typeof history === "undefined") return [];
  const { search, removed } = withoutUnsafePairs(location.search);
  if (removed.length) history.replaceState(history.state, "", `${location.pathname}${search}${location.hash}`);
  return removed;
}
