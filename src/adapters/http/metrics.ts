import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { CommandMetrics } from '../../commands/dispatch.ts';

/** Prometheus metrics: commands by name and outcome, and their latency. */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'popbot_' });
  const commands = new Counter({
    name: 'popbot_commands_total',
    help: 'Commands handled, by command and outcome',
    labelNames: ['command', 'outcome'],
    registers: [registry],
  });
  const latency = new Histogram({
    name: 'popbot_command_duration_seconds',
    help: 'Time to handle a command, hashing included',
    labelNames: ['command'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  const commandMetrics: CommandMetrics = {
    observe(command, outcome, seconds) {
      commands.inc({ command, outcome });
      latency.observe({ command }, seconds);
    },
  };
  return { registry, commandMetrics };
}
