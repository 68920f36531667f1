import type { ApiResponse } from './http-api.js';

/** A whole JSON answer with its length, as every non-streaming endpoint gives it. */
export function sendJson(res: ApiResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
