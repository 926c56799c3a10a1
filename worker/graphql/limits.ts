import {
  Kind,
  valueFromASTUntyped,
  type ArgumentNode,
  type DocumentNode,
  type FragmentDefinitionNode,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from "graphql";

/**
 * Depth and cost of an operation, measured on its syntax tree before anything runs, so an
 * expensive operation is refused with no database work. Pure.
 *
 * Cost counts every field once (aliases count again: `a: home b: home` costs two homes) and
 * multiplies what is under a list by how many items it can hold: the `first` argument of
 * paginated fields (its default when not given), an estimate for the lists without one. The
 * budget fits the largest screen the apps render, every space (10) with a full page of 100
 * records and their members (the Spaces operation at first: 100 costs 8,381); twice that is refused.
 */
export const MAX_DEPTH = 8;
export const MAX_COST = 10_000;

/** Paginated fields: their `first` default and maximum (the resolvers enforce the same bounds). */
const PAGINATED: Record<string, { default: number; max: number }> = {
  records: { default: 50, max: 100 },
  inbox: { default: 20, max: 100 },
};
/** Lists without an argument: how many items one is expected to hold. */
const LIST_ESTIMATE: Record<string, number> = { spaces: 10, members: 10, recent: 30 };

export interface OperationSize {
  depth: number;
  cost: number;
}

/**
 * The depth and cost of `operation`, with `variables` for `first` arguments. Introspection
 * fields (`__schema`, `__type`) are bounded by the schema itself and not counted.
 */
export function measureOperation(
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown> | undefined,
): OperationSize {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const def of document.definitions) {
    if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);
  }

  // Validation has refused fragment cycles, so this recursion ends.
  function walk(set: SelectionSetNode, depth: number): OperationSize {
    let deepest = depth;
    let cost = 0;
    for (const selection of set.selections) {
      let inner: OperationSize;
      if (selection.kind === Kind.FIELD) {
        const name = selection.name.value;
        if (name.startsWith("__")) continue;
        const children = selection.selectionSet
          ? walk(selection.selectionSet, depth + 1)
          : { depth: depth + 1, cost: 0 };
        inner = { depth: children.depth, cost: 1 + multiplier(name, selection.arguments) * children.cost };
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        inner = walk(selection.selectionSet, depth);
      } else {
        const fragment = fragments.get(selection.name.value);
        if (!fragment) continue;
        inner = walk(fragment.selectionSet, depth);
      }
      deepest = Math.max(deepest, inner.depth);
      cost += inner.cost;
    }
    return { depth: deepest, cost };
  }

  function multiplier(name: string, args: readonly ArgumentNode[] | undefined): number {
    const page = PAGINATED[name];
    if (page) {
      const first = args?.find((a) => a.name.value === "first");
      const value = first ? valueFromASTUntyped(first.value, variables) : undefined;
      return typeof value === "number" && value > 0 ? Math.min(value, page.max) : page.default;
    }
    return LIST_ESTIMATE[name] ?? 1;
  }

  return walk(operation.selectionSet, 0);
}

/** Why an operation is refused, or null when it is within both limits. */
export function limitRefusal(size: OperationSize): string | null {
  if (size.depth > MAX_DEPTH) return `The operation is nested ${size.depth} deep; at most ${MAX_DEPTH}`;
  if (size.cost > MAX_COST) return `The operation costs ${size.cost}; at most ${MAX_COST}`;
  return null;
}
