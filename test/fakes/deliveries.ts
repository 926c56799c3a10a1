export type Provider = "fcm" | "apns";

/** What the QA page shows about a push, derived once when it is accepted. */
export interface DeliverySummary {
  /** "android", "ios", "ios (via FCM)", "web (via FCM)" or "fcm" when the message does not say. */
  platform: string;
  title: string | null;
  body: string | null;
  /** True for data-only / background pushes (nothing shown to the user). */
  silent: boolean;
  data: Record<string, unknown>;
  collapseId: string | null;
  priority: string | null;
}

/** One accepted message, as the provider received it. */
export interface Delivery {
  seq: number;
  provider: Provider;
  /** Device token; for FCM topic or condition sends, "topic:<name>" or "condition:<expr>". */
  token: string;
  /** The request headers that matter to the provider (apns-*, content-type), lower-case names. */
  headers: Record<string, string>;
  /** The parsed JSON body: FCM's `{message}` envelope, or the APNs payload. */
  payload: unknown;
  /** ISO 8601. */
  receivedAt: string;
  summary: DeliverySummary;
}

export interface DeliveryQuery {
  provider?: Provider;
  token?: string;
  /** Only deliveries with seq greater than this. */
  since?: number;
}

/** Every accepted push, in arrival order, with a sequence shared by both providers. */
export class DeliveryLog {
  #items: Delivery[] = [];
  #seq = 0;

  add(entry: Omit<Delivery, "seq" | "receivedAt">): Delivery {
    const delivery: Delivery = { seq: ++this.#seq, receivedAt: new Date().toISOString(), ...entry };
    this.#items.push(delivery);
    return delivery;
  }

  /** Newest first. */
  list(query: DeliveryQuery = {}): Delivery[] {
    const since = query.since ?? 0;
    const out: Delivery[] = [];
    for (let i = this.#items.length - 1; i >= 0; i--) {
      const d = this.#items[i];
      if (!d || d.seq <= since) break;
      if (query.provider && d.provider !== query.provider) continue;
      if (query.token !== undefined && d.token !== query.token) continue;
      out.push(d);
    }
    return out;
  }

  get latestSeq(): number {
    return this.#seq;
  }

  /** Clears the log; the sequence keeps counting so a `since` taken before a reset stays meaningful. */
  clear(): void {
    this.#items = [];
  }
}
