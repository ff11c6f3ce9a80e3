/**
 * Counts the type tests in `npm test`: test/types/schema-types.ts only has to compile (its @ts-expect-error
 * lines are the assertions, checked by `npm run typecheck`); this imports it so a broken module fails here too.
 */
import { strict as assert } from "node:assert";
import { it } from "node:test";
import * as typeTests from "../types/schema-types.js";

it("the schema type tests compile and load (assertions are checked by tsc)", () => {
  assert.equal(typeof typeTests.typeChecks, "function");
  assert.equal(typeTests.Echo.kind, "Echo");
});
