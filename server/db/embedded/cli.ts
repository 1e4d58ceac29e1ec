// `npm run db -- --port 27017 --dbpath ./data/db [--host 127.0.0.1] [--nofsync]`: standalone engine for
// mongosh/Compass. Prints the connection string; stops cleanly on SIGINT/SIGTERM.
import { startEmbeddedMongo } from './index.js';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const db = await startEmbeddedMongo({
  dbPath: arg('dbpath') ?? './data/db',
  port: Number(arg('port') ?? 27017),
  host: arg('host') ?? '127.0.0.1',
  fsync: !process.argv.includes('--nofsync'),
});
process.stdout.write(`${db.uri}\n`);
let stopping = false;
const stop = (): void => {
  if (stopping) return;
  stopping = true;
  db.close().then(() => process.exit(0), (e: unknown) => { console.error(e); process.exit(1); });
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
