// Values that come from a request or a token (a claim, an Origin header) end up in log lines, so
// anything that could forge or hide a line is replaced: C0 controls such as CR and LF, DEL, and
// every non-ASCII character, which covers C1 controls such as U+0085 (next line) and U+009B (CSI)
// that JSON.stringify leaves as they are.

import { errors } from 'jose';

/** `value` as JSON, printable ASCII only, at most `max` characters. */
export function printable(value, max = 100) {
  return String(JSON.stringify(value))
    .replace(/[^\x20-\x7e]/g, '?')
    .slice(0, max);
}

/** Printable ASCII only, at most `max` characters: for text that is already a message. */
export function printableText(text, max = 300) {
  return String(text)
    .replace(/[^\x20-\x7e]/g, '?')
    .slice(0, max);
}

/**
 * An error for a log line. Library messages can quote values from a token or a proof, so they are
 * made printable; a failed claim check names the claim and its (printable) value, such as the wrong
 * audience, and an error that wraps another names that one too. jose's claim errors carry a plain
 * object as their cause, which says nothing the claim does not.
 */
export function describeError(err) {
  if (!(err instanceof Error)) return printableText(err);
  const claim =
    err instanceof errors.JWTClaimValidationFailed
      ? ` (${err.claim}: ${printable(err.payload?.[err.claim])})`
      : '';
  const cause = err.cause instanceof Error ? ` (${describeError(err.cause)})` : '';
  return printableText(`${err.message || err.code || err.name}${claim}${cause}`);
}
