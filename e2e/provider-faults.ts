import { E2E } from './environment';

/** Request counts the embedded provider keeps while its fault switch is on. */
export interface ProviderStats {
  readonly authorize: number;
  readonly token: number;
  readonly keys: number;
  readonly discovery: number;
  readonly userinfo: number;
  readonly revoke: number;
  readonly logout: number;
  readonly tokenGrants: Readonly<Record<string, number>>;
  /** /v1/token answers the `tokenHold` fault holds now (see `release()`). */
  readonly heldTokenAnswers: number;
}

export type Faults = Record<string, unknown>;

/**
 * The embedded provider's test-only admin API (dev-provider/README.md, "fault switch"). It is only
 * there because the e2e stack starts the provider with DEV_PROVIDER_FAULTS=on.
 */
export class ProviderFaults {
  private readonly base: string;

  constructor(issuer = E2E.issuer) {
    this.base = `${new URL(issuer).origin}/__test__`;
  }

  /** Replaces the active faults. */
  async set(faults: Faults): Promise<void> {
    await this.call('PUT', '/faults', faults);
  }

  /** Clears every fault and resets the counters. */
  async clear(): Promise<void> {
    await this.call('DELETE', '/faults');
  }

  async stats(): Promise<ProviderStats> {
    return (await this.call('GET', '/stats')) as ProviderStats;
  }

  /** Publishes a new signing key and signs new tokens with it. */
  async rotateKeys(): Promise<string> {
    return ((await this.call('POST', '/rotate-keys')) as { kid: string }).kid;
  }

  /** Sends the /v1/token answers that the `tokenHold` fault holds; resolves to how many. */
  async release(): Promise<number> {
    return ((await this.call('POST', '/release')) as { released: number }).released;
  }

  /** Drops every rotated key: the provider signs with, and publishes, its start-up key alone. */
  async restoreKeys(): Promise<string> {
    return ((await this.call('POST', '/restore-keys')) as { kid: string }).kid;
  }

  /** Back to the provider as it started: no faults, counters at zero, the start-up key. */
  async reset(): Promise<void> {
    await this.clear();
    await this.restoreKeys();
  }

  private async call(method: string, path: string, body?: unknown): Promise<unknown> {
    const response = await fetch(`${this.base}${path}`, {
      method,
      headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!response.ok) {
      throw new Error(`${method} ${path} answered ${response.status}: ${await response.text()}`);
    }
    const text = await response.text();
    return text ? JSON.parse(text) : null;
  }
}
