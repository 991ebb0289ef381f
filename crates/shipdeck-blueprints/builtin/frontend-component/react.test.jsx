import { render, screen } from "@testing-library/react";
import { expect, test } from "vitest";

import { {{ name | pascal_case }} } from "./{{ name | pascal_case }}";

test("{{ name | pascal_case }} shows its title", () => {
  render(<{{ name | pascal_case }} title="{{ title }}" />);
  expect(screen.getByRole("heading", { name: "{{ title }}" })).toBeTruthy();
});
