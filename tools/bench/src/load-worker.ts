/**
 * The load generator process (forked by load.ts): receives one LoadSpec, runs it (autocannon
 * without pipelining as fast as it goes, or the paced client at a fixed rate), records every
 * response time at full resolution, sends back a LoadResult and exits.
 */
import autocannon from 'autocannon';
import type { LoadResult, LoadSpec } from './load.ts';
import { runPaced } from './paced-load.ts';
import { SampleBuffer, summariseLatencies } from './stats.ts';

function run(spec: LoadSpec): Promise<LoadResult> {
  const samples = new SampleBuffer();
  const statusCounts: Record<string, number> = {};
  let next = 0;
  const rotating = spec.paths.length > 1;
  const options: autocannon.Options = {
    url: `${spec.origin}${spec.paths[0] ?? '/'}`,
    method: spec.method,
    connections: spec.connections,
    duration: spec.durationSeconds,
    pipelining: 1,
    timeout: 10,
    headers: { ...spec.headers },
    ...(spec.body !== undefined ? { body: spec.body } : {}),
    ...(rotating
      ? {
          requests: [
            {
              method: spec.method,
              setupRequest: (request: autocannon.Request) => ({ ...request, path: spec.paths[next++ % spec.paths.length]! }),
            },
          ],
        }
      : {}),
  };

  const cpuBefore = process.cpuUsage();
  return new Promise((resolve, reject) => {
    const instance = autocannon(options, (error: unknown, result: autocannon.Result) => {
      if (error) {
        reject(error instanceof Error ? error : new Error(String(error)));
        return;
      }
      const cpu = process.cpuUsage(cpuBefore);
      const latency = summariseLatencies(samples.toArray());
      resolve({
        responses: latency.count,
        non2xx: result.non2xx,
        errors: result.errors,
        durationSeconds: result.duration,
        requestsPerSecond: latency.count / result.duration,
        latency,
        statusCounts,
        loadGeneratorCpuSeconds: (cpu.user + cpu.system) / 1e6,
      });
    });
    instance.on('response', (_client: unknown, statusCode: number, _bytes: number, responseTimeMs: number) => {
      samples.push(responseTimeMs);
      statusCounts[statusCode] = (statusCounts[statusCode] ?? 0) + 1;
    });
  });
}

process.once('message', ({ spec }: { spec: LoadSpec }) => {
  const { overallRate } = spec;
  const work = overallRate === undefined ? run(spec) : runPaced({ ...spec, overallRate });
  work.then(
    (result) => process.send!({ result }, () => process.exit(0)),
    (error: Error) => process.send!({ error: error.message }, () => process.exit(1)),
  );
});
