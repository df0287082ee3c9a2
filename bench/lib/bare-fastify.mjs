// The yardstick of bench/auth-throughput.mjs: a bare Fastify 5 app answering a JSON GET, with Fastify's
// default request logging on (logger: true: pino at info, one line per request and one per response,
// written synchronously to standard output, which the bench points at /dev/null as it does the service's).
import Fastify from 'fastify';

const app = Fastify({ logger: true });
app.get('/', async () => ({ status: 'ok' }));
await app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' });
for (const signal of ['SIGTERM', 'SIGINT']) process.on(signal, () => app.close().then(() => process.exit(0)));
