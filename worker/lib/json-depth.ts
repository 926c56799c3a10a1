/**
 * Whether a parsed JSON value nests arrays and objects deeper than `max` levels (a scalar is
 * level 0, `{}` or `[]` level 1). Iterative on purpose: the values it guards are the ones that
 * would overflow the stack of anything recursive (`JSON.stringify`, structured clone for RPC).
 */
export function nestsDeeperThan(value: unknown, max: number): boolean {
  const stack: { node: unknown; depth: number }[] = [{ node: value, depth: 0 }];
  for (let item = stack.pop(); item; item = stack.pop()) {
    const { node, depth } = item;
    if (typeof node !== "object" || node === null) continue;
    if (depth + 1 > max) return true;
    const children: unknown[] = Array.isArray(node) ? node : Object.values(node);
    for (const child of children) {
      if (typeof child === "object" && child !== null) stack.push({ node: child, depth: depth + 1 });
    }
  }
  return false;
}
