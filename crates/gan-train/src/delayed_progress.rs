//! A progress bar for work that may take a while (writing a GIF, generating images): it
//! appears only once the work has run for a second, so quick work prints nothing extra, and
//! never when stderr is not a terminal.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::cell::Cell;
use std::time::{Duration, Instant};

/// How long work runs before its bar appears.
const SHOW_AFTER: Duration = Duration::from_secs(1);

/// A progress bar over `len` units of work, hidden for its first second.
#[derive(Debug)]
pub struct DelayedProgress {
    bar: ProgressBar,
    started: Instant,
    visible: Cell<bool>,
    quiet: bool,
}

impl DelayedProgress {
    /// A bar over `len` units named `unit` (`"images"`, `"frames"`); never drawn if `quiet`.
    pub fn new(len: usize, unit: &str, quiet: bool) -> Self {
        let bar = ProgressBar::with_draw_target(Some(len as u64), ProgressDrawTarget::hidden());
        let template =
            format!("{{bar:30.cyan/blue}} {{pos}}/{{len}} {unit} [{{elapsed}} < {{eta}}]");
        bar.set_style(
            ProgressStyle::with_template(&template)
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        Self {
            bar,
            started: Instant::now(),
            visible: Cell::new(false),
            quiet,
        }
    }

    /// Records `n` more units done, and shows the bar once the work has taken a second.
    pub fn inc(&self, n: usize) {
        if !self.quiet && !self.visible.get() && self.started.elapsed() >= SHOW_AFTER {
            self.bar.set_draw_target(ProgressDrawTarget::stderr());
            self.visible.set(true);
        }
        self.bar.inc(n as u64);
    }

    /// Whether the bar has been shown (the work took over a second and output is not quiet).
    pub fn is_visible(&self) -> bool {
        self.visible.get()
    }

    /// Removes the bar from the terminal.
    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}
