//! `shipdeck`: the command-line face of Shipdeck. Every command is a thin
//! call into `shipdeck-core`; this binary only parses arguments, shows
//! progress and prints results (human-readable, or JSON with `--json`).
#![cfg_attr(test, allow(clippy::too_many_lines))] // unit tests read best as one scenario

mod cli;

// Parsing a large history allocates a great deal; mimalloc is much faster
// than the system allocator at that.
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    // `shipdeck … | head` must end quietly when the reader goes away, as
    // other Unix tools do, instead of failing on a broken pipe.
    #[cfg(unix)]
    // SAFETY: restoring the default disposition of SIGPIPE before any other
    // thread exists has no memory-safety preconditions.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    cli::run()
}
