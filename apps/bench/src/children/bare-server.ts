/**
 * The bare HTTP baseline of the demo rows: Fastify with nothing but a `PUT /kv/*` route that
 * reads the body and answers 204. Listens on a free port of 127.0.0.1 and prints its URL.
 */
import Fastify from 'fastify';

const app = Fastify({ logger: false });
app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
app.put('/kv/*', async (_request, reply) => reply.code(204).send());
const url = await app.listen({ host: '127.0.0.1', port: 0 });
process.stdout.write(`bare fastify listening on ${url}\n`);
const stop = (): void => {
  app.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
