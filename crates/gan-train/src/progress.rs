//! The progress bar: step, losses, images/s and ETA; hidden in quiet mode.

use crate::output::metrics::StepMetrics;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// Steps between two log lines when stderr is not a terminal.
const LOG_EVERY: usize = 10;

/// A progress bar over generator steps.
pub(crate) struct Progress {
    bar: ProgressBar,
    extra_names: Vec<&'static str>,
    score_labels: [&'static str; 2],
    quiet: bool,
}

impl Progress {
    pub(crate) fn new(
        total_steps: usize,
        done: usize,
        quiet: bool,
        extra_names: Vec<&'static str>,
        score_labels: [&'static str; 2],
    ) -> Self {
        let bar = ProgressBar::with_draw_target(
            Some(total_steps as u64),
            if quiet {
                ProgressDrawTarget::hidden()
            } else {
                ProgressDrawTarget::stderr()
            },
        );
        let style = ProgressStyle::with_template(
            "{bar:30.cyan/blue} step {pos}/{len} {msg} [{elapsed_precise} < {eta_precise}]",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar());
        bar.set_style(style);
        bar.set_position(done as u64);
        bar.reset_eta();
        Self {
            bar,
            extra_names,
            score_labels,
            quiet,
        }
    }

    pub(crate) fn update(&self, m: &StepMetrics) {
        let extra: String = self
            .extra_names
            .iter()
            .zip(&m.extra)
            .map(|(name, value)| format!(" {name} {value:.2}"))
            .collect();
        let [real, fake] = self.score_labels;
        let message = format!(
            "loss_D {:.3} loss_G {:.3} {real} {:.2} {fake} {:.2}{extra} | {:.1} img/s",
            m.discriminator_loss,
            m.generator_loss,
            m.real_score,
            m.fake_score_after,
            m.images_per_second
        );
        // Without a terminal (a log file), a plain line every LOG_EVERY steps instead.
        let total = self.bar.length().unwrap_or(0);
        if !self.quiet
            && self.bar.is_hidden()
            && (m.step.is_multiple_of(LOG_EVERY) || m.step as u64 == total)
        {
            eprintln!("step {}/{total}: {message}", m.step);
        }
        self.bar.set_message(message);
        self.bar.set_position(m.step as u64);
    }

    /// Prints a line above the bar; without a terminal (a log file), as a plain line on
    /// stderr; in quiet mode, nothing.
    pub(crate) fn println(&self, line: impl AsRef<str>) {
        if self.quiet {
            return;
        }
        if self.bar.is_hidden() {
            eprintln!("{}", line.as_ref());
        } else {
            self.bar.println(line);
        }
    }

    /// Prints a warning above the bar (or on stderr), also in quiet mode.
    pub(crate) fn warn(&self, line: impl AsRef<str>) {
        if self.bar.is_hidden() {
            eprintln!("{}", line.as_ref());
        } else {
            self.bar.println(line);
        }
    }

    pub(crate) fn finish(&self) {
        self.bar.finish();
    }
}
