import { createServer } from 'node:http';

/** An HTTP server that answers 200 to anything and records each request it got (a "key server"). */
export interface Recorder {
  url: string;
  hits: string[];
  close(): Promise<void>;
}

export async function startRecorder(): Promise<Recorder> {
  const hits: string[] = [];
  const server = createServer((req, res) => {
    hits.push(`${req.method} ${req.url}`);
    res.setHeader('Content-Type', 'application/json');
    res.end(JSON.stringify({ keys: [{ kty: 'oct', k: 'c2VjcmV0' }] }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    hits,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
