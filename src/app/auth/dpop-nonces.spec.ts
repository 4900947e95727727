import { HttpHeaders } from '@angular/common/http';
import { TestBed } from '@angular/core/testing';
import { DpopNonces, isNonceChallenge, parseChallenges } from './dpop-nonces';

describe('DpopNonces', () => {
  let nonces: DpopNonces;
  beforeEach(() => (nonces = TestBed.inject(DpopNonces)));

  it('keeps the latest nonce of each origin apart', () => {
    nonces.remember('https://a.example', new HttpHeaders({ 'DPoP-Nonce': 'one' }));
    nonces.remember('https://a.example', new HttpHeaders({ 'DPoP-Nonce': 'two' }));
    nonces.remember('https://b.example', new HttpHeaders({ 'DPoP-Nonce': 'three' }));

    expect(nonces.get('https://a.example')).toBe('two');
    expect(nonces.get('https://b.example')).toBe('three');
  });

  it('keeps the nonce it has when an answer carries none or a malformed one', () => {
    nonces.remember('https://a.example', new HttpHeaders({ 'DPoP-Nonce': 'good' }));
    for (const bad of ['', 'with space', 'quote"', 'back\\slash', 'x'.repeat(513)]) {
      nonces.remember('https://a.example', new HttpHeaders({ 'DPoP-Nonce': bad }));
    }
    nonces.remember('https://a.example', new HttpHeaders());

    expect(nonces.get('https://a.example')).toBe('good');
  });
});

describe('isNonceChallenge', () => {
  const challenge = (wwwAuthenticate: string, nonce: string | null = 'n-1') =>
    isNonceChallenge(
      new HttpHeaders({
        'WWW-Authenticate': wwwAuthenticate,
        ...(nonce !== null && { 'DPoP-Nonce': nonce }),
      }),
    );

  it('recognises a DPoP use_dpop_nonce challenge with a nonce, whatever the case of the scheme', () => {
    expect(challenge('DPoP error="use_dpop_nonce"')).toBeTrue();
    expect(challenge('dpop algs="ES256 RS256", error=use_dpop_nonce')).toBeTrue();
    expect(challenge('Bearer realm="api", DPoP algs="RS256", error="use_dpop_nonce"')).toBeTrue();
  });

  it('refuses everything else', () => {
    expect(challenge('DPoP error="use_dpop_nonce"', null)).toBeFalse();
    expect(challenge('Bearer error="use_dpop_nonce"')).toBeFalse();
    expect(challenge('DPoP error="invalid_token"')).toBeFalse();
    expect(challenge('DPoP error_description="use_dpop_nonce, error=use_dpop_nonce"')).toBeFalse();
    expect(challenge('DPoP error="use_dpop_nonce_not"')).toBeFalse();
    expect(challenge('')).toBeFalse();
  });
});

describe('parseChallenges', () => {
  it('reads several challenges, quoted commas and escapes included', () => {
    expect(
      parseChallenges('Bearer realm="a, b", error="x\\"y", DPoP algs="RS256 ES256", error=e'),
    ).toEqual([
      {
        scheme: 'bearer',
        params: new Map([
          ['realm', 'a, b'],
          ['error', 'x"y'],
        ]),
      },
      {
        scheme: 'dpop',
        params: new Map([
          ['algs', 'RS256 ES256'],
          ['error', 'e'],
        ]),
      },
    ]);
  });

  it('stops at malformed input with what it has read', () => {
    expect(parseChallenges('DPoP error="a", =broken, error="b"')).toEqual([
      { scheme: 'dpop', params: new Map([['error', 'a']]) },
    ]);
    expect(parseChallenges('error="orphan"')).toEqual([]);
  });
});
