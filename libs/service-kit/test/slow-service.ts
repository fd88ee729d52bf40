// A service process for the shutdown test: one slow route, the real createServiceApp and runService.
import { createServiceApp, runService } from '../src/index.ts';

const service = await createServiceApp({ name: 'slow', version: '0', logLevel: 'silent' });
service.app.get('/slow', async () => {
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  return { done: true };
});
let stopped = false;
await runService(service, { HOST: '127.0.0.1', PORT: Number(process.argv[2]), SHUTDOWN_GRACE_MS: 5_000, SHUTDOWN_DRAIN_DELAY_MS: 500 }, [
  async () => {
    stopped = true;
  },
]);
process.on('exit', () => process.stdout.write(stopped ? 'stop steps ran\n' : 'stop steps skipped\n'));
process.stdout.write('listening\n');
