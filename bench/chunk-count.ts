/**
 * @module One stream over a raw socket, counting the HTTP chunks it arrives in: llmsim writes one chunk per socket
 * write, so chunks per SSE event shows whether several due tokens of a stream left in one write.
 */
import { connect } from 'node:net';

export interface ChunkCount {
  readonly events: number;
  readonly chunks: number;
}

export function countChunks(port: number, maxTokens: number): Promise<ChunkCount> {
  const body = JSON.stringify({
    model: 'Qwen/Qwen3-8B',
    messages: [{ role: 'user', content: 'count my chunks' }],
    max_tokens: maxTokens,
    ignore_eos: true,
    stream: true,
  });
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let raw = Buffer.alloc(0);
    socket.on('data', (d: Buffer) => {
      raw = Buffer.concat([raw, d]);
      if (!raw.subarray(-7).equals(Buffer.from('\r\n0\r\n\r\n').subarray(-7))) return;
      socket.destroy();
      let at = raw.indexOf('\r\n\r\n') + 4;
      let chunks = 0;
      let text = '';
      for (;;) {
        const eol = raw.indexOf('\r\n', at);
        const size = Number.parseInt(raw.subarray(at, eol).toString('latin1'), 16);
        if (!(size > 0)) break;
        text += raw.subarray(eol + 2, eol + 2 + size).toString('utf8');
        chunks++;
        at = eol + 2 + size + 2;
      }
      resolve({ events: text.split('\n\n').filter((e) => e.startsWith('data: {')).length, chunks });
    });
    socket.once('error', reject);
    // A server that closes without the last chunk must fail the count, not leave it waiting forever.
    socket.once('close', () => reject(new Error(`stream closed after ${raw.length} bytes without its last chunk`)));
    socket.write(
      `POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
  });
}
