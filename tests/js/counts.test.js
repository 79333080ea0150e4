// compactCount(): the action rail's counts read as the server's compact_count filter writes them.
import assert from "node:assert/strict";
import { test } from "node:test";

import { compactCount, countOf } from "../../static/js/feed/counts.js";

test("counts match the server's compact_count", () => {
  const cases = [
    [0, "0"], [999, "999"], [1000, "1K"], [1234, "1.2K"], [1250, "1.2K"], [1350, "1.4K"], [9999, "10K"],
    [12500, "12K"], [13500, "14K"], [15300, "15K"], [999999, "1000K"], [2500000, "2.5M"], [3000000000, "3B"],
  ];
  for (const [count, text] of cases) assert.equal(compactCount(count), text, String(count));
});

test("a missing or broken count is no count", () => {
  assert.equal(countOf({ like_count: 3 }, "like_count"), 3);
  assert.equal(countOf({}, "like_count"), null);
  assert.equal(countOf({ like_count: "3" }, "like_count"), null);
  assert.equal(compactCount(undefined), "0");
});
