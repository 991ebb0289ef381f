// {{ method }} /{{ name | kebab_case }}: {{ name }}.
{% if typescript %}import type { Express, Request, Response } from "express";
{% endif %}
/** An Express handler. */
export function {{ name | camel_case }}(req{% if typescript %}: Request{% endif %}, res{% if typescript %}: Response{% endif %}) {
  res.status(200).json({ ok: true, endpoint: "{{ name | kebab_case }}" });
}

/** Mounts the route on an Express app (or router). */
export function register{{ name | pascal_case }}(app{% if typescript %}: Express{% endif %}) {
  app.{{ method | lower }}("/{{ name | kebab_case }}", {{ name | camel_case }});
}
