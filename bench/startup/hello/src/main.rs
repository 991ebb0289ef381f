//! The smallest Tauri app: one window, one page, one command that reports
//! its first paint the way Shipdeck does (for bench/startup).

#[tauri::command]
fn app_ready(page_ms: f64) {
    use std::io::Write;
    let mut out = std::io::stdout();
    let _ = writeln!(out, "SHIPDECK_READY {page_ms:.1}");
    let _ = out.flush();
}

fn main() {
    tauri::Builder::default()
        .invoke_handler(tauri::generate_handler![app_ready])
        .run(tauri::generate_context!())
        .expect("the window failed");
}
