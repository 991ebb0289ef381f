{% set ts = typescript %}import { test } from "node:test";
import assert from "node:assert/strict";

import { {{ name | camel_case }}, register{{ name | pascal_case }} } from "./{{ name | kebab_case }}.{{ 'js' if ts else 'mjs' }}";

// A response that records what the handler sends, as Express's does.
function recorder() {
  const sent{% if ts %}: { status: number; body: unknown }{% endif %} = { status: 0, body: undefined };
  const res = {
    status(code{% if ts %}: number{% endif %}) {
      sent.status = code;
      return res;
    },
    json(body{% if ts %}: unknown{% endif %}) {
      sent.body = body;
      return res;
    },
  };
  return { res, sent };
}

test("{{ name | kebab_case }} answers ok", () => {
  const { res, sent } = recorder();
  {{ name | camel_case }}({}{% if ts %} as never{% endif %}, res{% if ts %} as never{% endif %});
  assert.equal(sent.status, 200);
  assert.deepEqual(sent.body, { ok: true, endpoint: "{{ name | kebab_case }}" });
});

test("{{ name | kebab_case }} is mounted on {{ method }} /{{ name | kebab_case }}", () => {
  const routes{% if ts %}: unknown[]{% endif %} = [];
  const app = { {{ method | lower }}: (path{% if ts %}: string{% endif %}, handler{% if ts %}: unknown{% endif %}) => routes.push([path, handler]) };
  register{{ name | pascal_case }}(app{% if ts %} as never{% endif %});
  assert.deepEqual(routes, [["/{{ name | kebab_case }}", {{ name | camel_case }}]]);
});
