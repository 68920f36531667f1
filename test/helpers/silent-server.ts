// A stand-in for `sluice serve` that accepts the WebSocket and then leaves requests unanswered, as a server that
// hangs would: what the remote CLI does then (time out, give in to a signal) cannot be seen with a real server.
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';

export type Frame = Record<string, unknown>;

export interface SilentServer {
  /** http://127.0.0.1:PORT, as a user gives it to --server. */
  url: string;
  /** Every frame received, in order. */
  requests: Frame[];
  close(): Promise<void>;
}

/**
 * Answers a request only when `answer` gives an answer for it; every other request waits for ever. An answer may
 * be several frames (each sent with the request's id), and a string is sent as it is, to send what is not a frame.
 * A port may be given, to stand in for a server that restarted there.
 */
export async function silentServer(answer: (request: Frame) => Frame | (Frame | string)[] | undefined = () => undefined, port = 0): Promise<SilentServer> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port });
  await new Promise<void>((resolve, reject) => {
    wss.once('listening', resolve);
    wss.once('error', reject);
  });
  const requests: Frame[] = [];
  wss.on('connection', (ws) => {
    ws.on('message', (data) => {
      const request = JSON.parse(data.toString()) as Frame;
      requests.push(request);
      const reply = answer(request);
      for (const f of reply === undefined ? [] : Array.isArray(reply) ? reply : [reply]) {
        ws.send(typeof f === 'string' ? f : JSON.stringify({ id: request['id'], ...f }));
      }
    });
  });
  return {
    url: `http://127.0.0.1:${(wss.address() as AddressInfo).port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        for (const ws of wss.clients) ws.terminate();
        wss.close(() => resolve());
      }),
  };
}
