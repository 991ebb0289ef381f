//! libgit2, built with OpenSSL on Linux, loads the system's CA bundle when
//! it initialises — about 20 ms in every process — although only pushes and
//! remote checks ever use TLS. [`defer_ca_loading`] (first thing in `main`)
//! initialises libgit2 without it; [`ensure_ca_loaded`] loads the real CA
//! locations into libgit2 just before its first network operation.
//!
//! The environment is restored at once, so child processes see exactly what
//! the user set, and a user-set `SSL_CERT_FILE`/`SSL_CERT_DIR` is what gets
//! loaded later.

use std::path::PathBuf;
use std::sync::{Once, OnceLock};

/// The CA locations to load later, when loading was deferred.
static DEFERRED: OnceLock<(Option<PathBuf>, Option<PathBuf>)> = OnceLock::new();

/// Call before any other thread exists (it briefly changes the environment).
pub fn defer_ca_loading() {
    #[cfg(all(unix, not(target_os = "macos"), not(target_os = "ios")))]
    {
        const FILE: &str = "SSL_CERT_FILE";
        const DIR: &str = "SSL_CERT_DIR";
        let saved = (std::env::var_os(FILE), std::env::var_os(DIR));
        // The user's locations when set, else the system's.
        let probe = openssl_probe::probe();
        let file = saved.0.clone().map(PathBuf::from).or(probe.cert_file);
        let dir = saved.1.clone().map(PathBuf::from).or(probe.cert_dir);
        let _ = DEFERRED.set((file, dir));
        // SAFETY (set_var/remove_var): single-threaded at this point, as
        // this function's contract requires.
        std::env::set_var(FILE, "/dev/null");
        std::env::set_var(DIR, "/dev/null");
        crate::workspace::tune_libgit2();
        for (name, value) in [(FILE, saved.0), (DIR, saved.1)] {
            match value {
                Some(v) => std::env::set_var(name, v),
                None => std::env::remove_var(name),
            }
        }
    }
    #[cfg(not(all(unix, not(target_os = "macos"), not(target_os = "ios"))))]
    crate::workspace::tune_libgit2();
}

/// Loads the deferred CA locations into libgit2 (once); a no-op otherwise.
pub fn ensure_ca_loaded() {
    static LOADED: Once = Once::new();
    let Some((file, dir)) = DEFERRED.get() else { return };
    LOADED.call_once(|| {
        // SAFETY: libgit2 options are process-wide; the Once serialises this.
        unsafe {
            if let Some(f) = file {
                if let Err(e) = git2::opts::set_ssl_cert_file(f) {
                    tracing::warn!(error = %e, "CA file not loaded");
                }
            }
            if let Some(d) = dir {
                if let Err(e) = git2::opts::set_ssl_cert_dir(d) {
                    tracing::warn!(error = %e, "CA folder not loaded");
                }
            }
        }
    });
}
