import { HttpHeaders } from '@angular/common/http';
import { Injectable } from '@angular/core';

/** RFC 9449 §8.1: a nonce is 1*NQCHAR (printable ASCII without `"` and `\`); bounded here. */
const NONCE = /^[\x21\x23-\x5b\x5d-\x7e]{1,512}$/;

/**
 * The DPoP nonces resource servers have handed out (RFC 9449 §9), by origin, for this tab. A
 * server may send a fresh nonce with any answer (§9, "DPoP-Nonce" on a 200 too), so every answer
 * from an API origin is looked at; the next proof for that origin carries the latest one.
 *
 * Nonces are not secrets and a new one costs one round trip, so memory is enough.
 */
@Injectable({ providedIn: 'root' })
export class DpopNonces {
  private readonly byOrigin = new Map<string, string>();

  get(origin: string): string | undefined {
    return this.byOrigin.get(origin);
  }

  /** Keeps the `DPoP-Nonce` of an answer from `origin`, if it has a well-formed one. */
  remember(origin: string, headers: HttpHeaders): void {
    const nonce = headers.get('DPoP-Nonce');
    if (nonce !== null && NONCE.test(nonce)) this.byOrigin.set(origin, nonce);
  }
}

/**
 * Whether a 401 is the resource server's nonce challenge (RFC 9449 §9): a `DPoP` challenge with
 * `error="use_dpop_nonce"`, and a well-formed `DPoP-Nonce` to use. The scheme must be DPoP: a
 * Bearer challenge carrying that error code is not one.
 */
export function isNonceChallenge(headers: HttpHeaders): boolean {
  const nonce = headers.get('DPoP-Nonce');
  if (nonce === null || !NONCE.test(nonce)) return false;
  return parseChallenges(headers.get('WWW-Authenticate') ?? '').some(
    ({ scheme, params }) => scheme === 'dpop' && params.get('error') === 'use_dpop_nonce',
  );
}

/** One item of a WWW-Authenticate value: `name=value` (a parameter) or a token (a scheme). */
const TOKEN = "[\\w!#$%&'*+.^`|~-]+";
const ITEM = new RegExp(
  `[\\s,]*(?:(${TOKEN})\\s*=\\s*(?:"((?:[^"\\\\]|\\\\.)*)"|(${TOKEN}))|(${TOKEN}))\\s*,?`,
  'y',
);

/**
 * The challenges of a WWW-Authenticate value (RFC 9110 §11.6.1), schemes in lower case: each
 * token not followed by `=` starts a challenge, and the parameters after it are its own. Quoted
 * values keep their commas; empty list elements are skipped (RFC 9110 §5.6.1.2). Anything
 * malformed ends the parse with what was read so far.
 */
export function parseChallenges(value: string): { scheme: string; params: Map<string, string> }[] {
  const challenges: { scheme: string; params: Map<string, string> }[] = [];
  const item = new RegExp(ITEM);
  let match: RegExpExecArray | null;
  while (item.lastIndex < value.length && (match = item.exec(value))) {
    const [, name, quoted, bare, scheme] = match;
    if (scheme) {
      challenges.push({ scheme: scheme.toLowerCase(), params: new Map() });
    } else {
      const current = challenges.at(-1);
      if (!current) break;
      current.params.set(name.toLowerCase(), quoted?.replace(/\\(.)/g, '$1') ?? bare);
    }
  }
  return challenges;
}

/**
 * Whether a 401 says the token itself was refused, so that a renewed one may pass: a challenge
 * without an error code, or `invalid_token`. A DPoP proof the server refused (a skewed clock,
 * RFC 9449 §7.1 `invalid_dpop_proof`) or a malformed request would only spend a refresh token.
 */
export function isTokenRefused(headers: HttpHeaders): boolean {
  const errors = parseChallenges(headers.get('WWW-Authenticate') ?? '')
    .map(({ params }) => params.get('error'))
    .filter((error) => error !== undefined);
  return errors.length === 0 || errors.includes('invalid_token');
}
