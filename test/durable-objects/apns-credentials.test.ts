import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import {
  decodeJwt,
  decodeProtectedHeader,
  exportPKCS8,
  exportSPKI,
  generateKeyPair,
  importSPKI,
  jwtVerify,
} from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { ApnsCredentials } from "../../durable-objects/apns-credentials";
import { MIN_MINT_INTERVAL_MS, REMINT_AGE_MS } from "../../worker/push/providers/apns/provider-token";

const KEY_ID = "ABC123DEFG";
const TEAM_ID = "TEAM123456";
let keyP8 = "";
let publicPem = "";

beforeAll(async () => {
  const pair = await generateKeyPair("ES256", { extractable: true });
  keyP8 = await exportPKCS8(pair.privateKey);
  publicPem = await exportSPKI(pair.publicKey);
});

/** A fresh object (its own storage) and a way to build instances over that storage, as after a restart. */
function freshObject() {
  const stub = env.APNS_CREDENTIALS.get(env.APNS_CREDENTIALS.idFromName(crypto.randomUUID()));
  const testEnv = { ...env, APNS_KEY_P8: keyP8, APNS_KEY_ID: KEY_ID, APNS_TEAM_ID: TEAM_ID };
  return {
    run<T>(fn: (minter: ApnsCredentials, state: DurableObjectState) => Promise<T>): Promise<T> {
      return runInDurableObject(stub, (_instance: ApnsCredentials, state) =>
        fn(new ApnsCredentials(state, testEnv), state),
      );
    },
  };
}

function ageToken(state: DurableObjectState, ms: number): void {
  state.storage.sql.exec("UPDATE provider_token SET issued_at = issued_at - ?", ms);
}

describe("ApnsCredentials", () => {
  it("mints an ES256 provider token with the key id, the team as issuer and iat", async () => {
    const { token, issuedAt } = await freshObject().run((minter) => minter.getProviderToken());
    expect(decodeProtectedHeader(token)).toEqual({ alg: "ES256", kid: KEY_ID });
    const { payload } = await jwtVerify(token, await importSPKI(publicPem, "ES256"));
    expect(payload).toEqual({ iss: TEAM_ID, iat: Math.floor(issuedAt / 1000) });
    expect(Math.abs(Date.now() - issuedAt)).toBeLessThan(60_000);
  });

  it("mints once when many callers ask at the same time", async () => {
    const tokens = await freshObject().run((minter) =>
      Promise.all(Array.from({ length: 25 }, () => minter.getProviderToken())),
    );
    expect(new Set(tokens.map((t) => t.token)).size).toBe(1);
  });

  it("mints once when concurrent RPC callers reach the object through its binding", async () => {
    const stub = env.APNS_CREDENTIALS.get(env.APNS_CREDENTIALS.idFromName(crypto.randomUUID()));
    const tokens = await Promise.all(Array.from({ length: 20 }, () => stub.getProviderToken()));
    expect(new Set(tokens.map((t) => t.token)).size).toBe(1);
    expect(decodeProtectedHeader(tokens[0]?.token ?? "")).toMatchObject({ kid: env.APNS_KEY_ID });
  });

  it("hands out the same token until it is 45 minutes old", async () => {
    const obj = freshObject();
    const first = await obj.run((minter) => minter.getProviderToken());
    const at44 = await obj.run(async (minter, state) => {
      ageToken(state, REMINT_AGE_MS - 60_000);
      return minter.getProviderToken();
    });
    expect(at44.token).toBe(first.token);
    const at45 = await obj.run(async (minter, state) => {
      ageToken(state, 60_000);
      return minter.getProviderToken();
    });
    expect(at45.token).not.toBe(first.token);
    expect(decodeJwt(at45.token).iat).toBeGreaterThanOrEqual(Math.floor(first.issuedAt / 1000));
  });

  it("does not re-mint a reported-expired token younger than 20 minutes", async () => {
    const obj = freshObject();
    const first = await obj.run((minter) => minter.getProviderToken());
    const after = await obj.run(async (minter, state) => {
      ageToken(state, MIN_MINT_INTERVAL_MS - 60_000);
      return minter.reportExpired(first.token);
    });
    expect(after.token).toBe(first.token);
  });

  it("re-mints a reported-expired token once the 20-minute floor has passed, once for concurrent reports", async () => {
    const obj = freshObject();
    const first = await obj.run((minter) => minter.getProviderToken());
    const answers = await obj.run(async (minter, state) => {
      ageToken(state, MIN_MINT_INTERVAL_MS + 1000);
      return Promise.all(Array.from({ length: 10 }, () => minter.reportExpired(first.token)));
    });
    const tokens = new Set(answers.map((a) => a.token));
    expect(tokens.size).toBe(1);
    expect(tokens.has(first.token)).toBe(false);
  });

  it("answers a report about an old token with the current one instead of minting", async () => {
    const obj = freshObject();
    const first = await obj.run((minter) => minter.getProviderToken());
    const second = await obj.run(async (minter, state) => {
      ageToken(state, REMINT_AGE_MS);
      return minter.getProviderToken();
    });
    const answer = await obj.run(async (minter, state) => {
      ageToken(state, MIN_MINT_INTERVAL_MS + 1000);
      return minter.reportExpired(first.token);
    });
    expect(second.token).not.toBe(first.token);
    expect(answer.token).toBe(second.token);
  });

  it("keeps its token across a restart instead of minting again", async () => {
    const obj = freshObject();
    const before = await obj.run((minter) => minter.getProviderToken());
    // A new instance over the same storage is what the runtime builds after an eviction.
    const after = await obj.run((minter) => minter.getProviderToken());
    expect(after).toEqual(before);
  });

  it("refuses to mint without a key and stays usable afterwards", async () => {
    const stub = env.APNS_CREDENTIALS.get(env.APNS_CREDENTIALS.idFromName(crypto.randomUUID()));
    await runInDurableObject(stub, async (_instance: ApnsCredentials, state) => {
      const broken = new ApnsCredentials(state, { ...env, APNS_KEY_P8: "" });
      await expect(broken.getProviderToken()).rejects.toThrow(/not configured/);
      const fixed = new ApnsCredentials(state, {
        ...env,
        APNS_KEY_P8: keyP8,
        APNS_KEY_ID: KEY_ID,
        APNS_TEAM_ID: TEAM_ID,
      });
      expect((await fixed.getProviderToken()).token).toMatch(/^ey/);
    });
  });
});
