//! The progress bar on stderr: files done, files/s and MB/s. Drawn only when
//! stderr is a terminal; otherwise every call is a no-op.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressState, ProgressStyle};

/// A progress bar counting files and bytes.
pub struct Progress {
    bar: ProgressBar,
    bytes: Arc<AtomicU64>,
}

impl Progress {
    /// A bar for `files` files (hidden unless stderr is a terminal).
    pub fn new(files: usize) -> Progress {
        let bytes = Arc::new(AtomicU64::new(0));
        if !super::stderr_is_terminal() {
            return Progress { bar: ProgressBar::hidden(), bytes };
        }
        let b = bytes.clone();
        let style =
            ProgressStyle::with_template("{elapsed_precise} [{wide_bar}] {pos}/{len} files  {fps}  {mbps}")
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .with_key("fps", |state: &ProgressState, w: &mut dyn std::fmt::Write| {
                    let _ = write!(w, "{:.0} files/s", state.per_sec());
                })
                .with_key("mbps", move |state: &ProgressState, w: &mut dyn std::fmt::Write| {
                    let secs = state.elapsed().as_secs_f64();
                    let mb = b.load(Ordering::Relaxed) as f64 / 1e6;
                    let _ = if secs > 0.0 { write!(w, "{:.1} MB/s", mb / secs) } else { write!(w, "- MB/s") };
                })
                .progress_chars("=> ");
        let bar =
            ProgressBar::with_draw_target(Some(files as u64), ProgressDrawTarget::stderr()).with_style(style);
        Progress { bar, bytes }
    }

    /// One more file of `bytes` bytes done.
    pub fn inc(&self, bytes: u64) {
        self.bytes.fetch_add(bytes, Ordering::Relaxed);
        self.bar.inc(1);
    }

    /// Removes the bar.
    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}
