import { render, screen } from "@testing-library/svelte";
import { expect, test } from "vitest";

import {{ name | pascal_case }} from "./{{ name | pascal_case }}.svelte";

test("{{ name | pascal_case }} shows its title", () => {
  render({{ name | pascal_case }}, { props: { title: "{{ title }}" } });
  expect(screen.getByRole("heading", { name: "{{ title }}" })).toBeTruthy();
});
