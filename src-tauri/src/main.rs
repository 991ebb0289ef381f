// No console window on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    shipdeck_core::tls::defer_ca_loading();
    shipdeck_app::run();
}
