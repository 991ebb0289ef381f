//! The blueprints shipped in the binary. Their template paths live here
//! (file names on disk cannot hold every template character); their
//! contents are the files under `builtin/`.

use crate::error::Result;
use crate::model::{parse, Blueprint, Source, Template};

struct Shipped {
    name: &'static str,
    manifest: &'static str,
    files: &'static [(&'static str, &'static str)],
}

const CHECKLIST: &str = "docs/features/{{ name | kebab_case }}.md";

const SHIPPED: &[Shipped] = &[
    Shipped {
        name: "api-endpoint",
        manifest: include_str!("../builtin/api-endpoint/blueprint.toml"),
        files: &[
            (CHECKLIST, include_str!("../builtin/api-endpoint/checklist.md")),
            (
                "{% if 'cargo' in ecosystems %}src/{{ name | snake_case }}.rs{% endif %}",
                include_str!("../builtin/api-endpoint/handler.rs"),
            ),
            (
                "{% if 'python' in ecosystems %}app/routes/{{ name | snake_case }}.py{% endif %}",
                include_str!("../builtin/api-endpoint/route.py"),
            ),
            (
                "{% if 'python' in ecosystems %}tests/test_{{ name | snake_case }}.py{% endif %}",
                include_str!("../builtin/api-endpoint/test_route.py"),
            ),
            (
                "{% if node %}src/routes/{{ name | kebab_case }}.{{ 'ts' if typescript else 'mjs' }}{% endif %}",
                include_str!("../builtin/api-endpoint/route.js"),
            ),
            (
                "{% if node %}src/routes/{{ name | kebab_case }}.test.{{ 'ts' if typescript else 'mjs' }}{% endif %}",
                include_str!("../builtin/api-endpoint/route.test.js"),
            ),
        ],
    },
    Shipped {
        name: "frontend-component",
        manifest: include_str!("../builtin/frontend-component/blueprint.toml"),
        files: &[
            (CHECKLIST, include_str!("../builtin/frontend-component/checklist.md")),
            (
                "{% if frontend == 'svelte' %}src/lib/components/{{ name | pascal_case }}.svelte{% endif %}",
                include_str!("../builtin/frontend-component/Component.svelte"),
            ),
            (
                "{% if frontend == 'svelte' %}src/lib/components/{{ name | pascal_case }}.test.{{ 'ts' if typescript else 'js' }}{% endif %}",
                include_str!("../builtin/frontend-component/svelte.test.js"),
            ),
            (
                "{% if frontend == 'react' %}src/components/{{ name | pascal_case }}.{{ 'tsx' if typescript else 'jsx' }}{% endif %}",
                include_str!("../builtin/frontend-component/Component.jsx"),
            ),
            (
                "{% if frontend == 'react' %}src/components/{{ name | pascal_case }}.test.{{ 'tsx' if typescript else 'jsx' }}{% endif %}",
                include_str!("../builtin/frontend-component/react.test.jsx"),
            ),
        ],
    },
];

/// Prepended to every shipped template: `node` is any of npm, pnpm, yarn.
const PRELUDE: &str = "{% set node = 'npm' in ecosystems or 'pnpm' in ecosystems or 'yarn' in ecosystems %}";

/// The shipped blueprints.
pub fn all() -> Result<Vec<Blueprint>> {
    SHIPPED
        .iter()
        .map(|s| parse(s.name, s.manifest, Source::Builtin, None))
        .collect()
}

/// The templates of shipped blueprint `name` (none for another name).
pub(crate) fn templates(name: &str) -> Vec<Template> {
    SHIPPED
        .iter()
        .filter(|s| s.name == name)
        .flat_map(|s| s.files.iter())
        .map(|(path, content)| Template {
            path: format!("{PRELUDE}{path}"),
            content: format!("{PRELUDE}{content}"),
        })
        .collect()
}
