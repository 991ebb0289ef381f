// The app manifest lists every command of src/commands/table.rs, so each one
// needs an explicit permission in capabilities/ (least privilege: nothing is
// allowed by default). The list is also written to OUT_DIR so a test can
// compare it with the table the app was compiled from.

include!("src/commands/table.rs");

macro_rules! command_names {
    ($( $(#[doc = $doc:literal])* $(@$ctx:ident)? $area:ident :: $name:ident $args:tt -> $ret:ty; )*) => {
        &[$(stringify!($name)),*]
    };
}

const COMMANDS: &[&str] = with_commands!(command_names);

fn main() {
    println!("cargo:rerun-if-changed=../tauri.conf.json");
    println!("cargo:rerun-if-changed=src/commands/table.rs");
    let out_dir = std::env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    let listed = COMMANDS.join("\n") + "\n";
    std::fs::write(
        std::path::Path::new(&out_dir).join("manifest-commands.txt"),
        listed,
    )
    .expect("cannot write the manifest command list");
    tauri_build::try_build(
        tauri_build::Attributes::new().app_manifest(tauri_build::AppManifest::new().commands(COMMANDS)),
    )
    .expect("tauri-build failed");
}
