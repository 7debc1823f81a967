//! `run_tui`: terminal, runtime and trainer wiring around the event loop.

use std::path::PathBuf;

use anyhow::Context;
use crossterm::event::EventStream;
use tracing::{info, warn};

use super::event_loop::{ExitReason, run_event_loop};
use super::state::App;
use super::terminal::{init_terminal, recorded_panic, restore_terminal};
use super::trainers::TrainerPool;
use crate::config::types::Preset;
use crate::config::{CompareRun, bundled_preset_names, load_preset_runs};
use crate::train::runner::spawn;
use crate::ui::Theme;

/// Runs the terminal UI on `preset` until the user quits or a signal
/// arrives; a non-empty `compare` opens compare mode on those runs, and
/// `e` exports into a new folder under `export_dir`.
/// `ascii` replaces braille and box-drawing characters with ASCII.
/// Colour follows `NO_COLOR`.
///
/// The terminal is restored on every exit path: quit, signal, error and
/// panic. The UI keeps running when the training thread panics. Returns why
/// the event loop ended.
///
/// # Errors
/// Fails when the terminal cannot be set up (a
/// [`TerminalError`](super::terminal::TerminalError), for example when
/// stdout is not a terminal), when reading input or drawing fails, or when
/// the training thread panicked during the session.
pub fn run_tui(
    preset: Preset,
    compare: Vec<CompareRun>,
    ascii: bool,
    export_dir: PathBuf,
) -> anyhow::Result<ExitReason> {
    let theme = Theme::from_env(ascii);
    let (catalog, catalog_compare) = load_catalog();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("failed to start the async runtime")?;

    let mut terminal = init_terminal()?;
    info!(preset = %preset.name, ascii = theme.ascii, colors = theme.depth.name(), "TUI started");
    let mut app = App::new(preset, catalog)
        .with_compare(compare)
        .with_catalog_compare(catalog_compare)
        .with_export_dir(export_dir);
    let mut trainers = TrainerPool::new(Box::new(spawn));
    trainers.start(app.run_presets());
    let result = runtime.block_on(run_event_loop(
        &mut terminal,
        &mut app,
        &theme,
        EventStream::new(),
        &mut trainers,
    ));
    restore_terminal();
    // Dropping the pool stops the training threads and joins them, after
    // the terminal is back to normal.
    drop(trainers);

    let reason = result?;
    info!(?reason, "TUI stopped");
    if let Some(message) = recorded_panic() {
        anyhow::bail!(
            "the training thread panicked: {message}. The log file {} has the details",
            crate::logging::log_path().display()
        );
    }
    Ok(reason)
}

/// Loads the bundled presets in key order, with the compare runs of each.
/// A preset that fails to load is logged and left out, which shifts the
/// keys of the ones after it.
fn load_catalog() -> (Vec<Preset>, Vec<Vec<CompareRun>>) {
    bundled_preset_names()
        .into_iter()
        .filter_map(|name| match load_preset_runs(name, &[]) {
            Ok(loaded) => Some((loaded.preset, loaded.compare)),
            Err(err) => {
                warn!(preset = name, %err, "bundled preset failed to load");
                None
            }
        })
        .unzip()
}
