import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { AUDIT_ACTIONS as HUB_ACTIONS } from "../../hub/src/audit/index.js";
import { AUDIT_ACTIONS } from "../src/audit/audit-types.js";

describe("the audit page's actions", () => {
  it("are the hub's catalogue, in its order, so every action can be filtered by and is named", () => {
    assert.deepEqual([...AUDIT_ACTIONS], Object.keys(HUB_ACTIONS));
  });
});
