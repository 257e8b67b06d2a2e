/** @module The one error a structured-output constraint raises when llmsim cannot honour it; routes turn it into a 400. */

/** A schema, pattern or choice list llmsim cannot honour (malformed, unsatisfiable, unsupported or over a limit). */
export class ConstraintError extends Error {}
