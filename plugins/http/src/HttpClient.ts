import dns from 'node:dns';
import http, { type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { isIP } from 'node:net';
import type { Readable } from 'node:stream';
import zlib from 'node:zlib';
import { AddressPolicy, bareHost } from './AddressPolicy.js';

/** Why a call was refused or failed before a response could be used. */
export type HttpFailure = 'bad-url' | 'host-not-allowed' | 'address-not-allowed' | 'too-many-redirects' | 'too-large' | 'timeout' | 'cancelled' | 'network';

export class HttpRequestError extends Error {
  constructor(
    readonly failure: HttpFailure,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'HttpRequestError';
  }
}

export interface HttpRequest {
  readonly method: string;
  readonly url: URL;
  readonly headers: Record<string, string>;
  readonly body?: Buffer;
  /** Hosts and addresses this call may reach. */
  readonly policy: AddressPolicy;
  /** Headers carrying credentials: dropped when a redirect leaves the origin. */
  readonly sensitiveHeaders?: readonly string[];
  readonly signal?: AbortSignal;
}

export interface HttpResponse {
  readonly status: number;
  readonly statusText: string;
  /** The URL that answered (after redirects). */
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
  readonly redirects: string[];
}

export interface HttpClientOptions {
  readonly timeoutMs: number;
  readonly maxResponseBytes: number;
  readonly maxRedirects: number;
  readonly userAgent: string;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/**
 * The one way the plugin reaches the network. Every hop of a call (the first request and each
 * redirect) is checked: the URL must be http(s), its host listed in the call's policy, and every
 * address the host resolves to allowed; the connection then goes to the address that was checked
 * (the check runs inside the socket's DNS lookup, so a name cannot resolve differently between
 * check and connect). One deadline covers the whole call; bodies past the size limit (counted
 * after decompression) are refused.
 */
export class HttpClient {
  constructor(readonly options: HttpClientOptions) {}

  async request(req: HttpRequest): Promise<HttpResponse> {
    const deadline = AbortSignal.timeout(this.options.timeoutMs);
    const signal = req.signal ? AbortSignal.any([deadline, req.signal]) : deadline;
    let url = req.url;
    let method = req.method.toUpperCase();
    let body = req.body;
    let headers = { ...req.headers };
    const redirects: string[] = [];
    try {
      for (;;) {
        this.checkUrl(url, req.policy);
        const res = await this.send(method, url, headers, body, req.policy, signal);
        const location = res.headers.location;
        if (!REDIRECTS.has(res.statusCode ?? 0) || !location) {
          const payload = await this.readBody(res, signal);
          return { status: res.statusCode ?? 0, statusText: res.statusMessage ?? '', url: url.href, headers: res.headers, body: payload, redirects };
        }
        res.resume();
        if (redirects.length >= this.options.maxRedirects) throw new HttpRequestError('too-many-redirects', `more than ${this.options.maxRedirects} redirects (last to ${location})`);
        let next: URL;
        try {
          next = new URL(location, url);
        } catch {
          throw new HttpRequestError('bad-url', `redirect to an invalid URL: ${location}`);
        }
        redirects.push(next.href);
        if (next.origin !== url.origin) {
          const drop = new Set(['authorization', 'cookie', 'proxy-authorization', ...(req.sensitiveHeaders ?? []).map((h) => h.toLowerCase())]);
          headers = Object.fromEntries(Object.entries(headers).filter(([k]) => !drop.has(k.toLowerCase())));
        }
        const status = res.statusCode!;
        if (status === 303 || ((status === 301 || status === 302) && method === 'POST')) {
          method = method === 'HEAD' ? 'HEAD' : 'GET';
          body = undefined;
          headers = Object.fromEntries(Object.entries(headers).filter(([k]) => !['content-type', 'content-length'].includes(k.toLowerCase())));
        }
        url = next;
      }
    } catch (e) {
      if (e instanceof HttpRequestError) throw e;
      if (deadline.aborted) throw new HttpRequestError('timeout', `no complete answer from ${url.host} within ${this.options.timeoutMs} ms`, { cause: e });
      if (signal.aborted) throw new HttpRequestError('cancelled', 'the request was cancelled', { cause: e });
      const cause = (e as { cause?: unknown }).cause;
      if (cause instanceof HttpRequestError) throw cause;
      throw new HttpRequestError('network', `request to ${url.host} failed: ${(e as Error).message}`, { cause: e });
    }
  }

  private checkUrl(url: URL, policy: AddressPolicy): void {
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new HttpRequestError('bad-url', `only http and https URLs are allowed, not ${url.protocol}`);
    if (url.username || url.password) throw new HttpRequestError('bad-url', 'URLs with credentials in them are not allowed');
    const host = bareHost(url.hostname);
    if (!policy.hostAllowed(host)) throw new HttpRequestError('host-not-allowed', `host ${host} is not in the allowed hosts`);
    // An IP literal is never looked up, so it is checked here.
    if (isIP(host)) this.checkAddress(host, host, policy);
  }

  private checkAddress(host: string, ip: string, policy: AddressPolicy): void {
    const refusal = policy.addressRefusal(ip);
    if (refusal) throw new HttpRequestError('address-not-allowed', `${host} resolves to ${ip} (${refusal}), which is not allowed; list it in allowedAddresses to reach it`);
  }

  private send(method: string, url: URL, headers: Record<string, string>, body: Buffer | undefined, policy: AddressPolicy, signal: AbortSignal): Promise<IncomingMessage> {
    const lookup: LookupFunction = (hostname, options, callback) => {
      dns.lookup(hostname, { all: true, family: options.family, hints: options.hints }, (err, addresses) => {
        if (err) return callback(err, '', 0);
        try {
          for (const a of addresses) this.checkAddress(hostname, a.address, policy);
        } catch (refusal) {
          return callback(refusal as NodeJS.ErrnoException, '', 0);
        }
        if (options.all) (callback as unknown as (e: null, a: dns.LookupAddress[]) => void)(null, addresses);
        else callback(null, addresses[0]!.address, addresses[0]!.family);
      });
    };
    const transport = url.protocol === 'https:' ? https : http;
    return new Promise((resolve, reject) => {
      const req = transport.request(
        url,
        {
          method,
          lookup,
          signal,
          agent: false,
          headers: {
            'user-agent': this.options.userAgent,
            'accept-encoding': 'gzip, deflate, br',
            ...headers,
            ...(body ? { 'content-length': String(body.length) } : {}),
          },
        },
        resolve,
      );
      req.on('error', (e) => reject(e instanceof HttpRequestError ? e : ((e as { cause?: unknown }).cause instanceof HttpRequestError ? (e as { cause: HttpRequestError }).cause : e)));
      req.end(body);
    });
  }

  private async readBody(res: IncomingMessage, signal: AbortSignal): Promise<Buffer> {
    const max = this.options.maxResponseBytes;
    const tooLarge = () => new HttpRequestError('too-large', `the response body is larger than the limit of ${max} bytes`);
    const declared = Number(res.headers['content-length']);
    if (Number.isFinite(declared) && declared > max) {
      res.destroy();
      throw tooLarge();
    }
    const encoding = String(res.headers['content-encoding'] ?? '').toLowerCase();
    let stream: Readable = res;
    if (encoding === 'gzip' || encoding === 'x-gzip') stream = res.pipe(zlib.createGunzip());
    else if (encoding === 'deflate') stream = res.pipe(zlib.createInflate());
    else if (encoding === 'br') stream = res.pipe(zlib.createBrotliDecompress());
    const chunks: Buffer[] = [];
    let size = 0;
    try {
      for await (const chunk of stream) {
        size += (chunk as Buffer).length;
        if (size > max) throw tooLarge();
        chunks.push(chunk as Buffer);
      }
    } catch (e) {
      res.destroy();
      if (stream !== res) stream.destroy();
      if (e instanceof HttpRequestError) throw e;
      signal.throwIfAborted();
      throw new HttpRequestError('network', `reading the response failed: ${(e as Error).message}`, { cause: e });
    }
    return Buffer.concat(chunks);
  }
}
