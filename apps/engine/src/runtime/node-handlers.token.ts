/** Injection token of the NodeHandlerRegistry. */
export const NODE_HANDLERS = Symbol('NODE_HANDLERS');
