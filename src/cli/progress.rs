//! Job progress in the terminal: an indicatif bar on stderr (hidden with
//! `--json` or when stderr is not a terminal). Ctrl-C asks running jobs to
//! stop at their next checkpoint; a second Ctrl-C exits at once.

use std::sync::Arc;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};
use shipdeck_core::jobs::{ProgressEvent, ProgressSink};
use shipdeck_core::Shipdeck;

pub struct Bar {
    bar: ProgressBar,
}

impl Bar {
    pub fn new(hidden: bool) -> Arc<Bar> {
        let bar = if hidden {
            ProgressBar::hidden()
        } else {
            ProgressBar::new_spinner()
        };
        bar.enable_steady_tick(Duration::from_millis(120));
        Arc::new(Bar { bar })
    }
}

impl ProgressSink for Bar {
    fn emit(&self, event: &ProgressEvent) {
        match event {
            ProgressEvent::Started { kind, .. } => {
                self.bar.set_style(
                    ProgressStyle::with_template("{spinner} {msg} [{elapsed}]").expect("valid template"),
                );
                self.bar
                    .set_message(format!("{} …", kind.as_str().replace('_', " ")));
            }
            ProgressEvent::Progress {
                done, total, message, ..
            } => {
                if let Some(total) = total {
                    if self.bar.length() != Some(*total) {
                        self.bar.set_style(
                            ProgressStyle::with_template("{bar:30} {pos}/{len} {msg} [{elapsed}]")
                                .expect("valid template"),
                        );
                        self.bar.set_length(*total);
                    }
                    self.bar.set_position(*done);
                }
                self.bar.set_message(message.clone());
            }
            ProgressEvent::AwaitingConfirmation { .. } => {}
            ProgressEvent::Finished { .. } => self.bar.finish_and_clear(),
        }
    }
}

/// Forwards Ctrl-C to the running jobs (cooperative cancel).
pub fn cancel_on_ctrl_c(core: &Shipdeck) {
    let core = core.clone();
    tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            eprintln!("cancelling… (press Ctrl-C again to quit at once)");
            for job in core.running_jobs() {
                let _ = core.cancel_job(job.id);
            }
            if tokio::signal::ctrl_c().await.is_ok() {
                std::process::exit(130);
            }
        }
    });
}
