/** Claims that hold seconds since the epoch (OpenID Connect Core §2). */
const TIME_CLAIMS = new Set(['iat', 'exp', 'auth_time', 'nbf', 'updated_at']);

/** A claim value as readable text: times as UTC dates, lists comma-separated. */
export function formatClaim(name: string, value: unknown): string {
  if (TIME_CLAIMS.has(name) && typeof value === 'number') {
    const date = new Date(value * 1000);
    // Out-of-range values would make toISOString() throw and take the whole page down.
    if (!Number.isNaN(date.getTime())) return `${date.toISOString()} (${value})`;
  }
  if (Array.isArray(value)) return value.map((item) => formatClaim('', item)).join(', ');
  if (typeof value === 'object' && value !== null) return JSON.stringify(value);
  return String(value);
}
