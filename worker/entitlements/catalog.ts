/**
 * The ENTITLEMENTS var: which store products grant which entitlement, e.g.
 * `{"pro": ["com.example.pro.monthly", "com.example.pro.yearly"]}`. Parsed once per isolate per
 * value; a malformed value grants nothing (and says so in the log) rather than failing requests.
 */
export type Catalog = ReadonlyMap<string, readonly string[]>;

/** Entitlement ids: what config rules and push targets name. */
export const ENTITLEMENT_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

let cached: { raw: string; catalog: Catalog } | undefined;

/** product id → the entitlement ids it grants. */
export function productCatalog(raw: string | undefined): Catalog {
  const text = raw ?? "";
  if (cached?.raw === text) return cached.catalog;
  const catalog = parseCatalog(text);
  cached = { raw: text, catalog };
  return catalog;
}

export function parseCatalog(text: string): Catalog {
  const byProduct = new Map<string, string[]>();
  if (text.trim() === "") return byProduct;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    console.error(JSON.stringify({ level: "error", message: "ENTITLEMENTS is not JSON; no product grants" }));
    return byProduct;
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    console.error(JSON.stringify({ level: "error", message: "ENTITLEMENTS must be a JSON object" }));
    return byProduct;
  }
  for (const [entitlement, products] of Object.entries(value)) {
    if (!ENTITLEMENT_ID.test(entitlement) || !Array.isArray(products)) {
      console.error(JSON.stringify({ level: "error", message: "ENTITLEMENTS entry ignored", entitlement }));
      continue;
    }
    for (const product of products) {
      if (typeof product !== "string" || product === "") continue;
      const list = byProduct.get(product) ?? [];
      if (!list.includes(entitlement)) list.push(entitlement);
      byProduct.set(product, list);
    }
  }
  return byProduct;
}

/** The products that grant any of `entitlementIds` (what push targeting matches purchases on). */
export function productsGranting(catalog: Catalog, entitlementIds: readonly string[]): string[] {
  const out: string[] = [];
  for (const [product, grants] of catalog)
    if (grants.some((g) => entitlementIds.includes(g))) out.push(product);
  return out;
}
