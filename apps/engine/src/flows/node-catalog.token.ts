/** Injection token of the NodeCatalog built from every node definition. */
export const NODE_CATALOG = Symbol('NODE_CATALOG');
