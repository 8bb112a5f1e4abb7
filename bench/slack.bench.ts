/** Slack's ack latency; filled in with the Slack adapter. */
export async function benchSlack(_url: string, _report: (what: string, figure: string) => void): Promise<void> {}
