import type { HttpRequestClient, HttpResponse } from '@okta/okta-auth-js/core';

/**
 * okta-auth-js's HTTP client, with what its default lacks: a timeout. Without one, a token
 * endpoint that never answers leaves the callback page spinning forever (okta-auth-js uses plain
 * `fetch`, which has no deadline).
 *
 * Errors thrown as `Error` become the okta-auth-js error's summary, so they are worded for users.
 */
export function createTimedHttpClient(
  timeoutMs: number,
  fetchFn: typeof fetch = (...args) => fetch(...args),
): HttpRequestClient {
  return async (method, url, { headers, data, withCredentials }) => {
    // The deadline covers the whole exchange, body included.
    const signal = AbortSignal.timeout(timeoutMs);
    let response: Response;
    let text: string;
    try {
      response = await fetchFn(url, {
        method,
        headers,
        body: encodeBody(data, headers),
        credentials: withCredentials ? 'include' : 'omit',
        signal,
      });
      text = await response.text();
    } catch {
      if (signal.aborted) {
        throw new Error(`Okta did not answer within ${Math.round(timeoutMs / 1000)} seconds.`);
      }
      throw new Error('Okta could not be reached. Check your connection and try again.');
    }
    if (response.status >= 500) {
      throw new Error(`Okta could not complete the request (HTTP ${response.status}).`);
    }
    const result = toHttpResponse(response, text);
    // Same contract as okta-auth-js's fetchRequest: error statuses and OAuth errors reject.
    if (!response.ok || result.responseJSON?.['error']) throw result;
    return result;
  };
}

function encodeBody(data: unknown, headers: HeadersInit | undefined): BodyInit | undefined {
  if (data === undefined || data === null || typeof data === 'string') return data ?? undefined;
  const contentType = new Headers(headers).get('Content-Type') ?? '';
  if (contentType === 'application/x-www-form-urlencoded') {
    return new URLSearchParams(data as Record<string, string>).toString();
  }
  return JSON.stringify(data);
}

function toHttpResponse(response: Response, text: string): HttpResponse {
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => (headers[name] = value));
  const isJson = /application\/([\w.-]+\+)?json/i.test(response.headers.get('Content-Type') ?? '');
  if (!isJson) return { status: response.status, responseText: text, headers };
  try {
    return {
      status: response.status,
      responseText: text,
      responseType: 'json',
      responseJSON: JSON.parse(text),
      headers,
    };
  } catch {
    throw new Error('Okta sent a response the app could not read.');
  }
}
