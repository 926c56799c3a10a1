// PLACEHOLDER (push work): the Cloudflare Queues consumer for push fan-out and its dead letters.
export async function handleQueue(_batch: MessageBatch<unknown>, _env: Env): Promise<void> {}
