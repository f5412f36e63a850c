/**
 * `npm run replicas`: the three-replica stack of the reliability suite, left running to try by hand
 * (nginx round-robin in front of three `npm start` processes, Redis, PostgreSQL, the simulator with
 * two pool agents). Prints the addresses and what to try; Ctrl-C stops everything.
 */
import { startReplicaStack } from './replicas-stack.js';

const stack = await startReplicaStack();
const statuses = await Promise.all(stack.replicas.map((replica) => replica.status()));
const { samples } = stack.sim;
const lines = [
  `Three replicas behind nginx at ${stack.lb.url}`,
  ...stack.replicas.map(
    (replica, index) =>
      `  ${replica.name}  ${replica.url}  pid ${replica.process?.pid ?? '-'}  agent ${statuses[index]?.heldAgentId ?? 'none (relays gateway downloads)'}`,
  ),
  `  simulator ${stack.sim.url}   redis ${stack.redis.url}   postgres ${stack.databaseUrl.replace(/\/\/[^@]*@/, '//')}`,
  '',
  'Try:',
  `  curl -s ${stack.lb.url}/graphql -H 'content-type: application/json' \\`,
  `    -d '{"query":"{ call(callId: \\"${samples.gatewayVideoCallId}\\") { gatewayRecording { url } } }"}'`,
  '  curl -s -o /dev/null -w "%{http_code} %{size_download}\\n" <url>   # several times: nginx takes turns',
  ...stack.replicas.map((replica) => `  curl -s ${replica.url}/readyz`),
  '  kill -TERM <pid of a replica holding an agent>   # another replica takes the agent over',
  '',
  'Ctrl-C stops everything.',
];
console.log(lines.join('\n'));

let stopping = false;
const stop = (): void => {
  if (stopping) return;
  stopping = true;
  stack.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
