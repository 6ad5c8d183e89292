/**
 * The two Ajv runtime helpers the generated validator calls. Ajv's
 * standalone code names them with `require(...).default`, which an ES module
 * has not, so validator-file.ts writes these names instead. Imported from
 * CommonJS, the default export is the module's `exports` under Node and
 * esbuild alike, and the function itself in the type declarations: `pick`
 * takes whichever it is given.
 */
import equalModule from "ajv/dist/runtime/equal.js";
import ucs2Module from "ajv/dist/runtime/ucs2length.js";

function pick<T>(m: T | { default: T }): T {
  return typeof m === "function" ? m : (m as { default: T }).default;
}

/** Deep equality (uniqueItems, const and enum of objects). */
export const deepEqual = pick(equalModule);
/** String length in code points (minLength, maxLength). */
export const ucs2length = pick(ucs2Module);
